package io.imageclassifier.web.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns an uploaded file into the model's input: the whole image (no crop) as 8-bit RGB at the
 * model's size, resized like Pillow does.
 *
 * <p>Grayscale, palette and alpha images become RGB the way Pillow's {@code convert("RGB")} does:
 * gray values are copied to all three channels and alpha is dropped. The pixel count is checked
 * from the header before anything is decoded, and the memory the decode will take is reserved
 * from a {@link DecodeMemoryBudget} first, so small files declaring huge images cannot exhaust
 * memory, however many arrive at once.
 */
public final class ImagePreprocessor {

    /** WBMP and others are left out on purpose: their headers are so loose that random bytes pass. */
    private static final Set<String> ACCEPTED_FORMATS = Set.of("jpeg", "png", "gif", "bmp", "tif");
    private static final String SUPPORTED = "JPEG, PNG, GIF, BMP, TIFF or WebP";

    /** Assumed when a decoder does not say what it will allocate: 16-bit RGBA. */
    private static final int WORST_BYTES_PER_PIXEL = 8;

    private final int width;
    private final int height;
    private final long maxPixels;
    private final DecodeMemoryBudget budget;
    private final Duration maxBudgetWait;
    private final NativeDecoders decoders;
    /** Large JPEGs decoded at a reduced size (faster, not Pillow's pixels): image.jpeg.dct.scaling. */
    private final boolean jpegDctScaling;

    /**
     * @param maxBudgetWait how long a request may wait for decode memory other requests hold
     * @param decoders      libjpeg-turbo and libwebp, where they load
     */
    ImagePreprocessor(int width, int height, long maxPixels, DecodeMemoryBudget budget, Duration maxBudgetWait,
            NativeDecoders decoders) {
        this(width, height, maxPixels, budget, maxBudgetWait, decoders, false);
    }

    /** @param jpegDctScaling decode JPEGs far larger than the model's input at a reduced size */
    public ImagePreprocessor(int width, int height, long maxPixels, DecodeMemoryBudget budget, Duration maxBudgetWait,
            NativeDecoders decoders, boolean jpegDctScaling) {
        this.width = width;
        this.height = height;
        this.maxPixels = maxPixels;
        this.budget = budget;
        this.maxBudgetWait = maxBudgetWait;
        this.decoders = decoders;
        this.jpegDctScaling = jpegDctScaling;
    }

    /**
     * @return {@code width * height * 3} bytes of interleaved RGB, row by row
     * @throws UnreadableImageException  when the bytes are not a complete image in a supported format
     * @throws ImageTooLargeException    when the image has more pixels than allowed
     * @throws DecodeMemoryBusyException when other decodes held the memory it needs for too long
     */
    public byte[] toModelInput(byte[] upload) {
        if (upload.length == 0) {
            throw new UnreadableImageException("the uploaded image is empty");
        }
        if (decoders.jpeg() != null && ImageSignatures.isJpeg(upload)) {
            return fromJpeg(upload);
        }
        if (ImageSignatures.isWebP(upload)) {
            return fromWebP(upload);
        }
        // The upload is in memory already. ImageIO.createImageInputStream would copy it into a
        // temp file per request, which ImageIO also closes from a JVM shutdown hook: a Tomcat
        // stopping under load would then fail the decodes in progress with "closed".
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(upload))) {
            ImageReader reader = acceptedReader(input);
            try {
                reader.setInput(input, true, true);
                int imageWidth = reader.getWidth(0);
                int imageHeight = reader.getHeight(0);
                checkPixelCount(imageWidth, imageHeight);
                // The decoded image in its reader's layout, then its RGB copy.
                int bytesPerPixel = decodedBytesPerPixel(reader) + 3;
                try (DecodeMemoryBudget.Reservation memory = reserveDecodeMemory(
                        upload.length, imageWidth, imageHeight, bytesPerPixel)) {
                    BufferedImage image = read(reader);
                    return AreaAwareResizer.resize(toRgb(image), image.getWidth(), image.getHeight(), width, height);
                }
            } finally {
                reader.dispose();
            }
        } catch (PreprocessingException e) {
            throw e;
        } catch (javax.imageio.IIOException e) {
            if (String.valueOf(e.getMessage()).contains("Unsupported Image Type")) {
                // The JDK's JPEG decoder has no CMYK/YCCK support (print-ready JPEGs use it).
                throw new UnreadableImageException("CMYK JPEGs are not supported; save the image as RGB", e);
            }
            throw undecodable(e);
        } catch (IOException | RuntimeException e) {
            // Decoders signal bad data with IOExceptions and assorted runtime exceptions alike.
            throw undecodable(e);
        }
    }

    private static BufferedImage read(ImageReader reader) throws IOException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener(collectInto(warnings));
        // Only the first frame: an animated GIF is classified by its first picture.
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
            // The JPEG reader reports truncated or corrupt data as a warning and fills the
            // rest with gray; classifying that half-image would be a silent wrong answer.
            throw new UnreadableImageException("the image data is damaged: " + warnings.get(0));
        }
        return image;
    }

    private byte[] fromJpeg(byte[] upload) {
        try (TurboJpegDecoder.Jpeg jpeg = decoders.jpeg().open(upload)) {
            checkPixelCount(jpeg.storedWidth(), jpeg.storedHeight());
            if (jpegDctScaling) {
                // Twice the model's size keeps the resize averaging over several pixels per output.
                jpeg.scaleDownTo(2 * width, 2 * height);
            }
            try (DecodeMemoryBudget.Reservation memory = reserveDecodeMemory(
                    upload.length, jpeg.width(), jpeg.height(), jpeg.decodedBytesPerPixel())) {
                return AreaAwareResizer.resize(jpeg.decodeRgb(), jpeg.width(), jpeg.height(), width, height);
            }
        }
    }

    private byte[] fromWebP(byte[] upload) {
        LibWebPDecoder webp = decoders.webp();
        if (webp == null) {
            throw new UnreadableImageException("this server cannot decode WebP (libwebp is not installed); send a JPEG or PNG");
        }
        int[] size = webp.size(upload);
        checkPixelCount(size[0], size[1]);
        // libwebp's own buffer, then its copy on the heap.
        try (DecodeMemoryBudget.Reservation memory = reserveDecodeMemory(upload.length, size[0], size[1], 3 + 3)) {
            return AreaAwareResizer.resize(webp.decodeRgb(upload), size[0], size[1], width, height);
        }
    }

    private void checkPixelCount(int imageWidth, int imageHeight) {
        if ((long) imageWidth * imageHeight > maxPixels) {
            throw new ImageTooLargeException("the image is " + imageWidth + "x" + imageHeight
                    + " pixels; at most " + maxPixels + " pixels are accepted");
        }
    }

    /**
     * Reserves what decoding and resizing this image holds at its peak: the upload, the decoded
     * pixels ({@code bytesPerPixel} of them per pixel, all copies counted) and the resizer's
     * working arrays.
     */
    private DecodeMemoryBudget.Reservation reserveDecodeMemory(int uploadBytes, int imageWidth, int imageHeight,
            int bytesPerPixel) {
        long pixels = (long) imageWidth * imageHeight;
        long resizing = AreaAwareResizer.workingBytes(imageWidth, imageHeight, width, height);
        return budget.reserve(uploadBytes + pixels * bytesPerPixel + resizing, maxBudgetWait);
    }

    /** Bytes per pixel of the image {@code reader.read(0)} returns (its first offered type). */
    private static int decodedBytesPerPixel(ImageReader reader) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (types == null || !types.hasNext()) {
            return WORST_BYTES_PER_PIXEL;
        }
        SampleModel layout = types.next().getSampleModel();
        int bytes = DataBuffer.getDataTypeSize(layout.getDataType()) / 8 * layout.getNumDataElements();
        return bytes > 0 ? bytes : WORST_BYTES_PER_PIXEL;
    }

    private static ImageReader acceptedReader(ImageInputStream input) {
        if (input != null) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            while (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    if (ACCEPTED_FORMATS.contains(reader.getFormatName().toLowerCase(Locale.ROOT))) {
                        return reader;
                    }
                } catch (IOException e) {
                    // fall through to the next reader
                }
                reader.dispose();
            }
        }
        throw new UnreadableImageException("the upload is not a " + SUPPORTED + " image");
    }

    private static IIOReadWarningListener collectInto(List<String> warnings) {
        return (source, warning) -> warnings.add(warning);
    }

    private static UnreadableImageException undecodable(Exception e) {
        return new UnreadableImageException("the image could not be decoded; send a complete " + SUPPORTED
                + " file (" + describe(e) + ")", e);
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** Interleaved 8-bit RGB of the whole image, as Pillow's convert("RGB") gives it. */
    static byte[] toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[w * h * 3];
        Raster raster = image.getRaster();
        boolean indexed = image.getColorModel() instanceof IndexColorModel;
        if (!indexed && raster.getNumBands() <= 2) {
            // getRGB would treat gray as linear light and brighten it; copy the stored value instead.
            int bits = image.getColorModel().getComponentSize(0);
            // Pillow opens 16-bit gray as 32-bit integers (mode I), and its convert("RGB") clips
            // them to 0..255; 16-bit gray with alpha it reads through the high bytes.
            boolean clip = bits > 8 && raster.getNumBands() == 1;
            int shift = clip ? 0 : Math.max(bits - 8, 0);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    byte gray = (byte) (clip ? Math.min(row[x], 255) : row[x] >>> shift);
                    int o = (y * w + x) * 3;
                    rgb[o] = gray;
                    rgb[o + 1] = gray;
                    rgb[o + 2] = gray;
                }
            }
            return rgb;
        }
        if (!indexed && raster.getNumBands() >= 3 && raster.getTransferType() == DataBuffer.TYPE_USHORT) {
            // 16-bit colour: Pillow keeps the high byte of each sample. getRGB would rescale them.
            int[] row = new int[w * raster.getNumBands()];
            int bands = raster.getNumBands();
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    for (int c = 0; c < 3; c++) {
                        rgb[o + c] = (byte) (row[x * bands + c] >>> 8);
                    }
                }
            }
            return rgb;
        }
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && raster.getDataBuffer() instanceof DataBufferByte buffer
                && buffer.getData().length == rgb.length) {
            // What the JPEG reader gives for colour photos: swap B and R in place of getRGB,
            // which converts pixel by pixel through the colour model and costs several ms a photo.
            byte[] bgr = buffer.getData();
            for (int p = 0; p < rgb.length; p += 3) {
                rgb[p] = bgr[p + 2];
                rgb[p + 1] = bgr[p + 1];
                rgb[p + 2] = bgr[p];
            }
            return rgb;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (argb >>> 16);
                rgb[o + 1] = (byte) (argb >>> 8);
                rgb[o + 2] = (byte) argb;
            }
        }
        return rgb;
    }
}

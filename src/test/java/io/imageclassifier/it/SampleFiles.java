package io.imageclassifier.it;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Odd and broken files, made in memory, for the bad-input suite. */
final class SampleFiles {

    private SampleFiles() {
    }

    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    static BufferedImage picture(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.RED);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        return image;
    }

    static byte[] truncated(byte[] file) {
        return Arrays.copyOf(file, file.length / 2);
    }

    /** The original header and size, with the compressed picture data replaced by noise. */
    static byte[] corruptBody(byte[] file, int keepHeaderBytes) {
        byte[] corrupt = file.clone();
        Random noise = new Random(7);
        for (int i = keepHeaderBytes; i < corrupt.length - 16; i++) {
            corrupt[i] = (byte) noise.nextInt(256);
        }
        return corrupt;
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    /** A 16-bit grayscale PNG. */
    static byte[] sixteenBitPng() throws IOException {
        BufferedImage image = new BufferedImage(300, 200, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 300; x++) {
                raster.setSample(x, y, 0, (x * 218) & 0xFFFF);
            }
        }
        return png(image);
    }

    /** A two-frame animated GIF (red, then blue). */
    static byte[] animatedGif() throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            for (Color color : new Color[] {Color.RED, Color.BLUE}) {
                BufferedImage frame = new BufferedImage(120, 80, BufferedImage.TYPE_BYTE_INDEXED);
                Graphics2D g = frame.createGraphics();
                g.setColor(color);
                g.fillRect(0, 0, 120, 80);
                g.dispose();
                writer.writeToSequence(new IIOImage(frame, null, null), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** A JPEG with four (CMYK) channels, as print workflows produce. */
    static byte[] cmykJpeg() throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 64, 64, 4, null);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                raster.setPixel(x, y, new int[] {x * 4, y * 4, 0, 30});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The photo saved as {@code format} by Debian's Pillow (python3-pil, which setup installs). */
    static byte[] convertWithPillow(java.nio.file.Path photo, String format) throws Exception {
        java.nio.file.Path out = java.nio.file.Files.createTempFile("converted", "." + format.toLowerCase());
        try {
            StackControl.run("/usr/bin/python3", "-c", "import sys; from PIL import Image; "
                    + "Image.open(sys.argv[1]).save(sys.argv[2], sys.argv[3])", photo.toString(), out.toString(), format);
            return java.nio.file.Files.readAllBytes(out);
        } finally {
            java.nio.file.Files.deleteIfExists(out);
        }
    }

    /**
     * A tiny but valid-looking PNG that declares {@code width x height} pixels: decoding it would
     * need gigabytes, so the service must refuse it from the header.
     */
    static byte[] pngDeclaring(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", header.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A complete, valid PNG of {@code width x height} pixels of one colour (RGB, or RGBA with
     * {@code alpha}): a few hundred KB that decode to hundreds of MB. Rows are compressed as they
     * are made, so building it holds one row, not the image.
     */
    static byte[] solidPng(int width, int height, boolean alpha) throws IOException {
        int channels = alpha ? 4 : 3;
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream deflate = new java.util.zip.DeflaterOutputStream(compressed,
                new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED), 1 << 16)) {
            byte[] row = new byte[1 + width * channels];   // filter byte 0 (none), then the pixels
            for (int x = 0; x < width; x++) {
                row[1 + x * channels] = (byte) 200;   // an orange-ish red, opaque
                row[2 + x * channels] = (byte) 120;
                row[3 + x * channels] = (byte) 40;
                if (alpha) {
                    row[4 + x * channels] = (byte) 255;
                }
            }
            for (int y = 0; y < height; y++) {
                deflate.write(row);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) (alpha ? 6 : 2)).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", header.array());
        chunk(out, "IDAT", compressed.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}

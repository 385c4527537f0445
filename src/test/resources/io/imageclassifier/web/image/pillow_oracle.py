"""The test oracle for the web tier's preprocessing: what the original Python service did.

    pillow_oracle.py OUT_DIR [PHOTO ...]

Writes synthetic images of every kind Pillow reads (gray, palette, alpha, 16-bit, CMYK,
progressive and differently subsampled JPEGs, odd, tiny and very wide sizes) into OUT_DIR, copies
the given photos there, and for each file NAME writes NAME.rgb: the 224x224x3 bytes the original
service fed the model, from Image.open(f), convert("RGB") when needed, resize((224, 224)).
Prints one line per file: its name.
"""
import os
import shutil
import sys

from PIL import Image

SIZE = (224, 224)


def model_input(path):
    image = Image.open(path)
    if image.mode != "RGB":
        image = image.convert("RGB")
    return image.resize(SIZE).tobytes()


def gradient(width, height):
    image = Image.new("RGB", (width, height))
    image.putdata([((x * 255) // max(width - 1, 1), (y * 255) // max(height - 1, 1), ((x + y) * 7) % 256)
                   for y in range(height) for x in range(width)])
    return image


def noisy(width, height, seed):
    import random
    rng = random.Random(seed)
    return Image.frombytes("RGB", (width, height), bytes(rng.randrange(256) for _ in range(width * height * 3)))


def synthetic(out):
    photo = gradient(300, 200)
    noise = noisy(97, 61, 1)
    made = {
        "gray.png": photo.convert("L"),
        "gray-alpha.png": photo.convert("LA"),
        "palette.png": photo.convert("P", palette=Image.ADAPTIVE, colors=64),
        "palette.gif": noise.convert("P", palette=Image.ADAPTIVE, colors=200),
        "rgba.png": Image.merge("RGBA", (*photo.split(), photo.convert("L"))),
        "bilevel.png": photo.convert("1"),
        "tiny-1x1.png": Image.new("RGB", (1, 1), (200, 30, 90)),
        "tiny-3x2.bmp": noisy(3, 2, 2),
        "odd-333x517.png": noisy(333, 517, 3),
        "wide-4000x9.png": noisy(4000, 9, 4),
        "tall-7x2500.png": noisy(7, 2500, 5),
        "upscale-100x80.bmp": noisy(100, 80, 6),
        "palette.bmp": photo.convert("P", palette=Image.ADAPTIVE, colors=16),
    }
    for name, image in made.items():
        image.save(os.path.join(out, name))
    big = gradient(640, 427)
    for subsampling, label in ((0, "444"), (1, "422"), (2, "420")):
        big.save(os.path.join(out, f"subsampling-{label}.jpg"), quality=90, subsampling=subsampling)
    big.save(os.path.join(out, "progressive.jpg"), quality=85, progressive=True)
    big.convert("L").save(os.path.join(out, "gray.jpg"), quality=90)
    big.convert("CMYK").save(os.path.join(out, "cmyk.jpg"), quality=90)
    noisy(301, 199, 7).save(os.path.join(out, "odd-301x199.jpg"), quality=75)
    big.save(os.path.join(out, "lossy.webp"), quality=80)
    noise.save(os.path.join(out, "lossless.webp"), lossless=True)
    Image.merge("RGBA", (*big.split(), big.convert("L"))).save(os.path.join(out, "alpha.webp"), quality=80)
    big.save(os.path.join(out, "deflate.tif"), compression="tiff_adobe_deflate")
    noise.save(os.path.join(out, "plain.tiff"))
    # 16-bit PNGs: Pillow opens 16-bit gray as mode I (convert clips to 0..255) and 16-bit RGB
    # through its high bytes; written by hand since Pillow does not save 16-bit RGB.
    write_png16(os.path.join(out, "sixteen-bit-rgb.png"), 50, 40, 3)
    write_png16(os.path.join(out, "sixteen-bit-gray.png"), 50, 40, 1)
    return sorted(made) + ["subsampling-444.jpg", "subsampling-422.jpg", "subsampling-420.jpg",
                           "progressive.jpg", "gray.jpg", "cmyk.jpg", "odd-301x199.jpg",
                           "lossy.webp", "lossless.webp", "alpha.webp", "deflate.tif", "plain.tiff",
                           "sixteen-bit-rgb.png", "sixteen-bit-gray.png"]


def write_png16(path, width, height, channels):
    import struct
    import zlib
    rows = b""
    for y in range(height):
        row = b"\0"
        for x in range(width):
            for c in range(channels):
                row += struct.pack(">H", (x * 1311 + y * 977 + c * 20011) % 65536)
        rows += row
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    color_type = 2 if channels == 3 else 0
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(rows)))
        f.write(chunk(b"IEND", b""))


def main():
    out = sys.argv[1]
    names = synthetic(out)
    for photo in sys.argv[2:]:
        shutil.copy(photo, out)
        names.append(os.path.basename(photo))
    for name in names:
        with open(os.path.join(out, name + ".rgb"), "wb") as f:
            f.write(model_input(os.path.join(out, name)))
        print(name)


if __name__ == "__main__":
    main()

"""Draw the default share image (static/img/share-default.png, 1200 × 630): the WeGO mark and
name on the portal's blue, for pages without an image of their own (OpenGraph, Twitter)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw, ImageFont

BLUE, GREEN, WHITE = (10, 75, 140), (0, 112, 60), (255, 255, 255)
FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",)


def _font(size: int):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


class Command(BaseCommand):
    help = "Draw static/img/share-default.png, the share image of pages without their own."

    def handle(self, *args, **options):
        image = Image.new("RGB", (1200, 630), BLUE)
        draw = ImageDraw.Draw(image)
        # The mark (static/img/wego-mark.svg) at 6×: a globe with a green dot.
        x, y, s = 96, 195, 6
        draw.rounded_rectangle((x, y, x + 40 * s, y + 40 * s), radius=8 * s, fill=WHITE)
        cx, cy, r = x + 20 * s, y + 20 * s, 13 * s
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=BLUE, width=3 * s)
        draw.line((x + 7 * s, cy, x + 33 * s, cy), fill=BLUE, width=2 * s)
        draw.ellipse((cx - 5 * s, cy - r, cx + 5 * s, cy + r), outline=BLUE, width=2 * s)
        draw.ellipse((x + 25 * s, y + 7 * s, x + 33 * s, y + 15 * s), fill=GREEN)
        draw.text((400, 215), "WeGO", font=_font(120), fill=WHITE)
        draw.text((404, 360), "World Smart Sustainable", font=_font(44), fill=WHITE)
        draw.text((404, 414), "Cities Organization", font=_font(44), fill=WHITE)
        draw.rectangle((0, 600, 1200, 630), fill=GREEN)
        target = Path(settings.BASE_DIR) / "static" / "img" / "share-default.png"
        image.save(target, optimize=True)
        self.stdout.write(f"Wrote {target}")

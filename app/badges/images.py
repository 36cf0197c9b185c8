"""Badge images: a plain round PNG per badge class, and the baked PNG of an award (the badge's
image with the assertion's URL in an iTXt chunk with keyword "openbadges", as Open Badges 2.0
baking specifies), for members to carry their badge to other platforms."""

import io

from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

SIZE = 256


def _colour(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def badge_image(*, name: str, colour: str) -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=_colour(colour), outline=(255, 255, 255), width=6)
    initials = "".join(w[0] for w in name.split()[:3]).upper() or "?"
    draw.text((SIZE / 2, SIZE / 2), initials, fill=(255, 255, 255), anchor="mm", font_size=72)
    return image


def png(*, name: str, colour: str, assertion_url: str | None = None) -> bytes:
    """The badge as PNG bytes; with `assertion_url`, baked (the iTXt chunk "openbadges")."""
    info = PngInfo()
    if assertion_url is not None:
        info.add_itxt("openbadges", assertion_url)
    out = io.BytesIO()
    badge_image(name=name, colour=colour).save(out, format="PNG", pnginfo=info)
    return out.getvalue()

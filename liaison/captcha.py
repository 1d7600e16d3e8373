"""A self-hosted arithmetic captcha: the question drawn as a PNG, the answer kept in the cache."""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
from functools import lru_cache

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

# Long enough to read, think and type on a phone; short enough that a solved picture goes stale.
CHALLENGE_SECONDS = 10 * 60
KEY_PREFIX = "lvzhi:captcha:"
IMAGE_SIZE = (300, 90)
# Ids are ours (token_urlsafe); anything else from the browser is not looked up at all.
CHALLENGE_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

_random = secrets.SystemRandom()


def _key(challenge_id: str) -> str:
    return KEY_PREFIX + challenge_id


def _valid_id(challenge_id: str | None) -> bool:
    return bool(challenge_id) and bool(CHALLENGE_ID.match(challenge_id))


def captcha_new(*, congress_id: int) -> str:
    """A new question for one form; returns the id the page carries (never the answer)."""
    # A two-digit number and a one-digit one, never a negative result: easy for people of every
    # age, while some fifty possible answers make guessing cost a robot many tries.
    left, right = _random.randint(11, 49), _random.randint(2, 9)
    if _random.random() < 0.5:
        question, answer = f"{left} + {right}", left + right
    else:
        question, answer = f"{left} - {right}", left - right
    challenge_id = secrets.token_urlsafe(18)
    cache.set(
        _key(challenge_id),
        {"congress": congress_id, "question": question, "answer": answer},
        CHALLENGE_SECONDS,
    )
    return challenge_id


def captcha_question(challenge_id: str | None, *, congress_id: int) -> str | None:
    """The question to draw, or None for an unknown, used, expired or foreign challenge."""
    if not _valid_id(challenge_id):
        return None
    stored = cache.get(_key(challenge_id))
    if not stored or stored.get("congress") != congress_id:
        return None
    return stored["question"]


def captcha_check(challenge_id: str | None, answer: str | None, *, congress_id: int) -> bool:
    """True when `answer` solves the challenge. Each challenge is spent by its first check."""
    if not _valid_id(challenge_id):
        return False
    key = _key(challenge_id)
    stored = cache.get(key)
    # Only the request that actually removes the key may use it: two sent at once get one answer.
    if not stored or not cache.delete(key):
        return False
    if stored.get("congress") != congress_id:
        return False
    return _as_number(answer) == stored["answer"]


def _as_number(answer: str | None) -> int | None:
    # Chinese input methods often type full-width digits (１２): NFKC turns them into 12.
    text = unicodedata.normalize("NFKC", answer or "").strip()
    if not text.isdigit() or len(text) > 4:
        return None
    return int(text)


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled font: nothing to install on the server, and digits are all we draw.
    return ImageFont.load_default(size=44)


def captcha_image(question: str | None) -> bytes:
    """A PNG of `question = ?` with noise lines and tilted characters; blank-ish when None."""
    width, height = IMAGE_SIZE
    image = Image.new("RGB", IMAGE_SIZE, (246, 246, 240))
    draw = ImageDraw.Draw(image)
    for _dot in range(260):
        x, y = _random.randrange(width), _random.randrange(height)
        draw.point((x, y), fill=_random.choice([(170, 170, 170), (200, 190, 160), (150, 170, 200)]))
    text = f"{question} = ?" if question else "?"
    font = _font()
    x = 14
    for character in text:
        if character == " ":
            x += 10
            continue
        glyph = Image.new("RGBA", (56, 64), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (8, 4),
            character,
            font=font,
            fill=_random.choice([(40, 40, 90), (90, 30, 30), (20, 70, 40)]),
        )
        glyph = glyph.rotate(_random.uniform(-18, 18), resample=Image.Resampling.BICUBIC)
        image.paste(glyph, (x, _random.randint(4, 20)), glyph)
        x += int(font.getlength(character)) + _random.randint(2, 6)
    for _line in range(6):
        start = (_random.randrange(width), _random.randrange(height))
        end = (_random.randrange(width), _random.randrange(height))
        draw.line([start, end], fill=_random.choice([(120, 120, 120), (160, 110, 90)]), width=2)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()

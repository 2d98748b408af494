"""Photos on a case: type and size checked, decoded and re-encoded by Pillow as JPEG, which
drops EXIF (GPS included) and anything hidden after the image data."""

from __future__ import annotations

import io

from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from haolinju.core import timeline
from haolinju.core.errors import InvalidInput, NotPermitted

from ..models import Attachment, AttachmentRole, Case
from ..selectors import case_actor, sees_in_full

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
FORMATS = {"JPEG", "PNG", "WEBP"}
PER_CASE = 9


def reencode(content: bytes) -> tuple[bytes, int, int]:
    """A clean JPEG of at most ``MAX_SIDE`` px per side, or ``InvalidInput``."""
    if len(content) > MAX_BYTES:
        raise InvalidInput.on("photo", _("照片不能超过 8 MB"))
    try:
        with Image.open(io.BytesIO(content)) as probe:
            if probe.format not in FORMATS:
                raise InvalidInput.on("photo", _("只接受 JPEG、PNG 或 WebP 图片"))
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput.on("photo", _("图片尺寸过大"))
            image = ImageOps.exif_transpose(probe)  # keep the orientation, lose the EXIF
            image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise InvalidInput.on("photo", _("无法识别的图片文件")) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), image.width, image.height


@transaction.atomic
def attachment_add(*, actor, case: Case, content: bytes, role: str = AttachmentRole.REPORT):
    """Add a photo to a case the actor sees in full (requester, staff, assignee, summoned)."""
    if role not in AttachmentRole.values:
        raise InvalidInput.on("role", _("照片类型有误"))
    if case.locked or not sees_in_full(case_actor(actor), case):
        raise NotPermitted(_("不能为该诉求上传照片"))
    if Attachment.objects.filter(case=case).count() >= PER_CASE:
        raise InvalidInput.on("photo", _("每条诉求最多 9 张照片"))
    data, width, height = reencode(content)
    attachment = Attachment.objects.create(
        case=case, role=role, content=data, width=width, height=height, uploaded_by=actor
    )
    timeline.record(case, actor=actor, action="case.photo", role=role, attachment=attachment.pk)
    return attachment

"""Site photos: checked to be images, thumbnailed, and their camera's time and place (EXIF) kept."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from yancheng.core.actions import ActionRefused

MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PHOTOS = 9
THUMBNAIL_SIZE = (480, 480)
# A phone photo is 12–50 megapixels; anything far beyond is a decompression bomb, not a site photo.
MAX_PIXELS = 80_000_000


def _refuse(upload, reason):
    raise ActionRefused(
        _("照片“%(name)s”%(reason)s") % {"name": upload.name, "reason": reason}, "photo_invalid"
    )


def _exif_time(exif) -> datetime | None:
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    text = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    try:
        moment = datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    # A camera writes its local time without a zone: on a Hengyang site, Beijing time.
    return timezone.make_aware(moment)


def _degrees(values, ref) -> Decimal | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    if ref in ("S", "W"):
        value = -value
    return Decimal(f"{value:.6f}")


def _exif_place(exif) -> tuple[Decimal | None, Decimal | None]:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if not gps:
        return None, None
    latitude = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
    longitude = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return latitude, longitude


def read_photo(upload) -> dict:
    """What a ReportPhoto needs from an upload: its thumbnail and EXIF facts. Refuses what is not a photo."""
    if upload.size > MAX_PHOTO_BYTES:
        _refuse(upload, _("超过 15 MB，请压缩后再上传。"))
    data = upload.read()
    upload.seek(0)
    try:
        with Image.open(BytesIO(data)) as probe:
            probe.verify()  # a truncated or forged file fails here
        image = Image.open(BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            _refuse(upload, _("像素过大，请用手机或相机的常规分辨率拍摄。"))
        if image.format not in ("JPEG", "PNG", "WEBP", "HEIF", "MPO"):
            _refuse(upload, _("不是 JPG、PNG 或 WEBP 格式的照片。"))
        exif = image.getexif()
        thumb = ImageOps.exif_transpose(image).convert("RGB")
        thumb.thumbnail(THUMBNAIL_SIZE)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        _refuse(upload, _("无法识别为图片，请上传手机或相机拍摄的照片。"))
    out = BytesIO()
    thumb.save(out, "JPEG", quality=80)
    latitude, longitude = _exif_place(exif)
    return {
        "thumbnail": ContentFile(out.getvalue(), name="thumb.jpg"),
        "taken_at": _exif_time(exif),
        "latitude": latitude,
        "longitude": longitude,
    }


def store_photo(photo, upload, facts: dict) -> None:
    """Save the photo and the thumbnail read_photo made into `photo`'s image and thumbnail, then the row."""
    photo.image.save(photo.name, upload, save=False)
    photo.thumbnail.save(f"thumb-{photo.name.rsplit('.', 1)[0]}.jpg", facts["thumbnail"], save=False)
    photo.save()

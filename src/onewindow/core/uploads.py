"""Upload checks: the type is read from the content (never trusted from the name), the size is capped."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# content type → (leading bytes, allowed file name endings)
_SIGNATURES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sniff_content_type(head: bytes, file) -> str | None:
    """The content type of a document by its bytes, or None when it is not an accepted kind."""
    for content_type, (magic, _endings) in _SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return _DOCX
    return None


def validate_document_upload(upload) -> None:
    """Accept PDF, PNG, JPEG and DOCX files up to ONEWINDOW_UPLOAD_MAX_BYTES."""
    limit = settings.ONEWINDOW_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": upload.size, "limit": limit}
        )
    if getattr(upload, "_committed", False):
        return  # already stored and checked when it was uploaded
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head, upload)
    upload.seek(position)
    if content_type is None:
        raise ValidationError(_("Only PDF, PNG, JPEG or DOCX files are accepted; this file is none of them."))
    endings = _SIGNATURES.get(content_type, (b"", (".docx",)))[1]
    if not upload.name.lower().endswith(endings):
        raise ValidationError(
            _("The file's name does not match its content (%(type)s).") % {"type": content_type}
        )

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .models import Document

# Extension -> (label shown to readers, how the file must begin).
DOCUMENT_TYPES = {
    ".pdf": ("PDF", [b"%PDF-"]),
    ".docx": ("Word", [b"PK\x03\x04"]),
    ".xlsx": ("Excel", [b"PK\x03\x04"]),
    ".pptx": ("PowerPoint", [b"PK\x03\x04"]),
    ".odt": ("OpenDocument text", [b"PK\x03\x04"]),
    ".ods": ("OpenDocument spreadsheet", [b"PK\x03\x04"]),
    ".odp": ("OpenDocument presentation", [b"PK\x03\x04"]),
    ".doc": ("Word", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    ".xls": ("Excel", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    ".ppt": ("PowerPoint", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    ".rtf": ("RTF", [b"{\\rtf"]),
    ".csv": ("CSV", []),
    ".txt": ("Text", []),
}


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "slug", "file", "external_url", "file_type"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload or not hasattr(upload, "content_type"):
            return upload  # no new upload
        extension = PurePath(upload.name).suffix.lower()
        if extension not in DOCUMENT_TYPES:
            raise forms.ValidationError(
                "Upload a PDF or an office document ("
                + ", ".join(sorted(DOCUMENT_TYPES))
                + f"); {extension or 'a file without an extension'} is not accepted."
            )
        limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; "
                f"documents can be at most {filesizeformat(limit)}."
            )
        signatures = DOCUMENT_TYPES[extension][1]
        head = upload.read(16)
        upload.seek(0)
        if signatures and not any(head.startswith(s) for s in signatures):
            raise forms.ValidationError(
                f"This file does not look like a {DOCUMENT_TYPES[extension][0]} file, "
                "whatever its name says. Save it again from the program that made it."
            )
        if not signatures and b"\x00" in upload.read(65536):
            raise forms.ValidationError("This does not look like a text file.")
        upload.seek(0)
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload and not cleaned.get("file_type"):
            extension = PurePath(upload.name).suffix.lower()
            cleaned["file_type"] = DOCUMENT_TYPES.get(extension, ("",))[0]
        return cleaned

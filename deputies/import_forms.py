"""The roster upload form: the file is checked for size and content before it is stored."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.errors import DomainError
from deputies.importers import XLSX_CONTENT_TYPE, check_upload


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx)"),
        help_text=_("Fill in the template and upload it; nothing changes until you confirm."),
        error_messages={
            "required": _("Choose the roster file to upload."),
            "empty": _("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        return upload

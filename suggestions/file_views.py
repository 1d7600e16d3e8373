"""Downloads of a suggestion's attachments and reply letters, for those who may read it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from congress.access import permission_required
from congress.files import document_response
from suggestions.access import suggestion_get
from suggestions.models import SuggestionAttachment, SuggestionReply


@permission_required("suggestions.view_suggestions")
def attachment_download(
    request: HttpRequest, congress_slug: str, suggestion_id: int, attachment_id: int
) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    attachment = get_object_or_404(
        SuggestionAttachment.objects.filter(suggestion=suggestion), pk=attachment_id
    )
    return document_response(attachment.file, attachment.name)


@permission_required("suggestions.view_suggestions")
def reply_letter_download(
    request: HttpRequest, congress_slug: str, suggestion_id: int, reply_id: int
) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    reply = get_object_or_404(
        SuggestionReply.objects.filter(suggestion=suggestion).exclude(letter=""), pk=reply_id
    )
    return document_response(reply.letter, reply.letter_name or reply.letter.name)

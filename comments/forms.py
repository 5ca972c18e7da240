from django import forms
from django.core.exceptions import ValidationError

from . import moderation
from .models import BODY_MAX_LENGTH, NAME_MAX_LENGTH, Comment
from .text import clean_line, clean_text, has_visible_text

RETRY_MESSAGE = "Your comment could not be sent. Please wait a moment and send it again."
EXPIRED_MESSAGE = (
    "This page was open for more than two hours, so your comment was not sent. "
    "It is still here: please send it again."
)
PARENT_GONE_MESSAGE = (
    "The comment you are replying to is no longer available. You can send yours as a new comment."
)


class _ReaderTextField(forms.CharField):
    """Text a reader types. Text that shows nothing (zero-width spaces, joiners, lone
    combining marks, Hangul fillers, blank braille) counts as empty; the length limit is
    the server's alone, since a browser's `maxlength` silently cuts off pasted text (and
    counts an emoji as two)."""

    def to_python(self, value):
        value = super().to_python(value)
        # A NUL is refused with a message (by Django's validator), not quietly dropped.
        if "\x00" in value:
            return value
        value = self.clean_value(value)
        return value if has_visible_text(value) else ""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class CommentTextField(_ReaderTextField):
    """Plain text with uniform newlines (one character each, however the browser sent
    them) and no control characters."""

    clean_value = staticmethod(clean_text)


class CommentLineField(_ReaderTextField):
    clean_value = staticmethod(clean_line)


def comment_body_field():
    return CommentTextField(
        label="Comment",
        max_length=BODY_MAX_LENGTH,
        help_text=f"Plain text, up to {BODY_MAX_LENGTH:,} characters. Links are allowed.",
        error_messages={
            "required": "Please write your comment.",
            "max_length": f"Please shorten your comment to {BODY_MAX_LENGTH:,} characters or "
            "fewer (it has %(show_value)d).",
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class CommentForm(forms.Form):
    """What a reader sends. The form timestamp and the honeypot are checked here too; the
    policy (hold, spam, flood, duplicates) is the services' business."""

    author_name = CommentLineField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        help_text="Shown with your comment.",
        error_messages={
            "required": "Please enter your name.",
            "max_length": "Please shorten your name to %(limit_value)d characters or fewer "
            "(it has %(show_value)d).",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        help_text="Never shown publicly.",
        error_messages={
            "required": "Please enter your e-mail address.",
            "invalid": "Please enter a valid e-mail address, like name@example.com.",
            "max_length": "An e-mail address has at most %(limit_value)d characters; this "
            "one has %(show_value)d. Please check it.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = comment_body_field()
    notify_on_reply = forms.BooleanField(
        label="E-mail me when someone replies",
        required=False,
        help_text="The first time, we e-mail you a link to confirm the address.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people by the stylesheet, filled in by form-filling bots.
    homepage = forms.CharField(required=False)

    def __init__(self, *args, article, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # As for the other fields: a browser's maxlength would cut a pasted address short
        # without a word; the server says what is wrong instead.
        self.fields["email"].widget.attrs.pop("maxlength", None)
        self.article = article
        self.refused = False

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = Comment.objects.approved().filter(article=self.article, pk=parent_id).first()
        if parent is None:
            raise ValidationError(PARENT_GONE_MESSAGE)
        return parent

    def clean(self):
        cleaned = super().clean()
        if self.data.get("homepage"):
            self._refuse(RETRY_MESSAGE)
            return cleaned
        try:
            moderation.check_form_token(self.data.get("timestamp"), self.article.pk)
        except moderation.FormTokenError as error:
            self._refuse(EXPIRED_MESSAGE if error.reason == "expired" else RETRY_MESSAGE)
        return cleaned

    def _refuse(self, message):
        # Bots get no hint about which defence caught them; people keep their text.
        self.refused = True
        self.add_error(None, message)

    @property
    def reply_parent(self):
        """The validated parent when the form came back with errors, else None."""
        if hasattr(self, "cleaned_data"):
            return self.cleaned_data.get("parent")
        return None


class CommentEditForm(forms.Form):
    """A commenter's new text for their own comment; who may edit is the view's business."""

    body = comment_body_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

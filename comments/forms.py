from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms

from .models import Comment, CommentReport

BODY_MAX_LENGTH = 5000
FIELD_TEMPLATE = "comments/form_field.html"
PARENT_NOT_FOUND = (
    "The comment you are replying to is not on this page. "
    "Post your comment without replying, or reply to another comment."
)
REPLY_TOO_DEEP = (
    "Replies cannot go any deeper here. Reply to an earlier comment in the thread, "
    "or post a new comment."
)


class CommentForm(forms.ModelForm):
    """A reader's comment or reply: the fields and their shape. Whether it may
    be posted is for comments.services to say."""

    # Only its shape is checked here; whether it can be answered is a rule of
    # comments.services (reply_parent).
    parent = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**62,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": PARENT_NOT_FOUND,
            "min_value": PARENT_NOT_FOUND,
            "max_value": PARENT_NOT_FOUND,
        },
    )
    remember = forms.BooleanField(
        required=False,
        label="Save my name and e-mail in this browser for the next time I comment",
    )
    notify = forms.BooleanField(
        required=False,
        label="E-mail me when my comment is published or someone replies",
        help_text="The first time, we send you one e-mail to check it is your address. "
        "We send nothing else until you confirm.",
    )
    # A field people never see: bots that fill in every field fill this too.
    homepage = forms.CharField(required=False, label="Leave this field empty")

    class Meta:
        model = Comment
        fields = ["author_name", "author_email", "author_url", "body"]
        labels = {
            "author_name": "Name",
            "author_email": "E-mail",
            "author_url": "Website (optional)",
            "body": "Comment",
        }
        help_texts = {
            "author_email": "Required. Never shown on the site.",
            "body": f"Plain text, up to {BODY_MAX_LENGTH:,} characters. Links become clickable.",
        }
        widgets = {
            "author_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "author_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "author_url": forms.URLInput(attrs={"autocomplete": "url"}),
            "body": forms.Textarea(attrs={"rows": 7}),
        }
        error_messages = {
            "author_name": {"required": "Enter your name"},
            "author_email": {
                "required": "Enter your e-mail address",
                "invalid": "Enter an e-mail address like name@example.com",
            },
            "author_url": {"invalid": "Enter a web address like https://example.com"},
            "body": {"required": "Enter your comment"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author_email"].required = True
        self.fields["body"].required = True
        self.fields["body"].widget.attrs["maxlength"] = BODY_MAX_LENGTH
        self.fields["author_url"].assume_scheme = "https"
        self.helper = FormHelper()
        # GOV.UK's order for each field: label, hint, error message, field.
        self.helper.field_template = FIELD_TEMPLATE
        # Sent back with mistakes, the page opens at its error summary, which
        # takes the focus (a fragment's target that can take it does).
        self.helper.form_action = "#error-summary"
        self.helper.form_id = "comment-form"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "parent",
            "author_name",
            "author_email",
            "author_url",
            "body",
            Div(
                Field("homepage", autocomplete="off", tabindex="-1", template=FIELD_TEMPLATE),
                css_class="hp",
                aria_hidden="true",
            ),
            "remember",
            "notify",
            Submit("submit", "Post comment"),
        )

    def clean_author_name(self):
        name = " ".join(self.cleaned_data["author_name"].split())
        if not name:
            raise forms.ValidationError("Enter your name")
        return name

    def clean_body(self):
        # Counted as the reader's browser counts it: a line break is one character.
        body = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        if not body:
            raise forms.ValidationError("Enter your comment")
        if len(body) > BODY_MAX_LENGTH:
            raise forms.ValidationError(
                f"Shorten your comment to {BODY_MAX_LENGTH:,} characters or fewer "
                f"(it has {len(body):,})."
            )
        return body

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.cleaned_data.get("homepage"))


class ReportForm(forms.Form):
    """A reader's report of a published comment."""

    reason = forms.ChoiceField(
        label="Why should a moderator look at this comment?",
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are reporting this comment"},
    )
    details = forms.CharField(
        label="Anything else a moderator should know (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Shorten this to 1,000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "report-form"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("reason", "details", Submit("submit", "Send report"))

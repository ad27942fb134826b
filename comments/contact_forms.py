from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.urls import reverse

from .models import ContactMessage

MESSAGE_MAX_LENGTH = 5000


class ContactForm(forms.ModelForm):
    """A message to the partnership: the fields and their shape. Whether it
    may be sent is for comments.contact to say."""

    # A field people never see: bots that fill in every field fill this too.
    homepage = forms.CharField(required=False, label="Leave this field empty")

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "subject", "message"]
        labels = {
            "name": "Name",
            "email": "E-mail",
            "subject": "Subject (optional)",
            "message": "Message",
        }
        help_texts = {
            "email": "Required, so that we can reply. Never shown on the site.",
            "message": f"Plain text, up to {MESSAGE_MAX_LENGTH:,} characters.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 8, "maxlength": MESSAGE_MAX_LENGTH}),
        }
        error_messages = {
            "name": {
                "required": "Enter your name",
                "max_length": "Shorten your name to 100 characters or fewer",
            },
            "email": {
                "required": "Enter your e-mail address",
                "invalid": "Enter an e-mail address like name@example.com",
            },
            "subject": {"max_length": "Shorten the subject to 150 characters or fewer"},
            "message": {"required": "Enter your message"},
        }

    def __init__(self, *args, **kwargs):
        # Its own ids, so a page with comments open can carry both forms.
        kwargs.setdefault("auto_id", "id_contact_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse("contact")
        self.helper.form_id = "contact-form"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "name",
            "email",
            "subject",
            "message",
            Div(
                Field("homepage", autocomplete="off", tabindex="-1"),
                css_class="hp",
                aria_hidden="true",
            ),
            Submit("submit", "Send message"),
        )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter your name")
        return name

    def clean_subject(self):
        return " ".join(self.cleaned_data["subject"].split())

    def clean_message(self):
        # Counted as the reader's browser counts it: a line break is one character.
        message = self.cleaned_data["message"].replace("\r\n", "\n").strip()
        if not message:
            raise forms.ValidationError("Enter your message")
        if len(message) > MESSAGE_MAX_LENGTH:
            raise forms.ValidationError(
                f"Shorten your message to {MESSAGE_MAX_LENGTH:,} characters or fewer "
                f"(it has {len(message):,})."
            )
        return message

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.cleaned_data.get("homepage"))

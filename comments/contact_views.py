"""The contact form: a message to the partnership, never published. It is
shown on the Contact Us page ({% contact_form %}) and posts to /contact/send/,
which shows the form again, with its errors and the reader's text, when
something is wrong."""

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from niromp_site.client_ip import client_ip

from . import contact, services
from .contact_forms import ContactForm

RATE_LIMITED = (
    "You have sent several messages in a short time. Your message has not been "
    "sent yet: please wait a few minutes, then send it again."
)


class ContactView(FormView):
    form_class = ContactForm
    template_name = "comments/contact_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            contact.submit_message(
                name=data["name"],
                email=data["email"],
                subject=data["subject"],
                message=data["message"],
                ip_address=client_ip(self.request),
                user_agent=self.request.headers.get("User-Agent", ""),
                referrer=self.request.headers.get("Referer", ""),
                honeypot_filled=form.honeypot_filled,
            )
        except services.RateLimited:
            form.add_error(None, RATE_LIMITED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return HttpResponseRedirect(reverse("contact_sent"))


class ContactSentView(TemplateView):
    template_name = "comments/contact_sent.html"

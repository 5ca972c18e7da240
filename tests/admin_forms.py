"""An admin form sent as a browser sends it: every field with the value the page shows,
so a test presses Save on what staff see rather than on data it made up."""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, list[str]] = {}
        self.textarea = None
        self.select = None  # [name, first option, whether one was chosen, multiple]

    def add(self, name, value):
        # Inline formsets carry a blank row for "Add another", which browsers leave out.
        if name and "__prefix__" not in name:
            self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.add(attrs.get("name"), attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self.textarea = [attrs.get("name"), ""]
        elif tag == "select":
            self.select = [attrs.get("name"), None, False, "multiple" in attrs]
        elif tag == "option" and self.select is not None:
            if self.select[1] is None:
                self.select[1] = attrs.get("value", "")
            if "selected" in attrs:
                self.add(self.select[0], attrs.get("value", ""))
                self.select[2] = True

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            # The parser keeps the line break that HTML drops after <textarea>.
            self.add(self.textarea[0], self.textarea[1].removeprefix("\n"))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, first, chosen, multiple = self.select
            # A list with nothing chosen sends its first option; a multiple one, nothing.
            if not chosen and not multiple and first is not None:
                self.add(name, first)
            self.select = None


def form_as_shown(response, **changes):
    """The data of the admin form on `response`'s page, with `changes` typed over it."""
    opts = response.context["opts"]
    parser = _FormFields(f"{opts.model_name}_form")
    parser.feed(response.content.decode())
    fields = {
        name: values if len(values) > 1 else values[0] for name, values in parser.fields.items()
    }
    return fields | changes

"""Staff run the site from the admin, in a real browser."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Topic
from tests.e2e.content import make_other_articles
from tests.e2e.test_reader_journeys import image_loaded
from tests.factories import image_file, make_article, make_topic

pytestmark = pytest.mark.e2e

STAFF_PASSWORD = "correct-horse-battery-staple"
# Writing and publishing runs at every viewport. How the admin keeps unsaved work and
# takes a paste does not change with the screen, so those journeys run where staff edit:
# at a desk.
AT_A_DESK = pytest.mark.parametrize("viewport", ["desktop"])


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser(
        "editor", "editor@example.com", STAFF_PASSWORD
    )


def sign_in(page, user, *, tap=False):
    """Sign in as `user`, pressing "Log in" with a mouse or, on a phone, a finger."""
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    log_in = page.get_by_role("button", name="Log in")
    if tap:
        log_in.tap()
    else:
        log_in.click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_staff_write_and_publish_an_article_with_a_cover(open_browser, staff_user, tmp_path):
    make_topic(name="Neuroplasticity", slug="neuroplasticity")
    make_other_articles(1)
    cover = tmp_path / "cover.jpg"
    cover.write_bytes(image_file("cover.jpg", size=(1200, 675), image_format="JPEG").read())

    staff = open_browser().new_page()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:articles_article_add"))
    staff.get_by_role("textbox", name="Title:").press_sequentially(
        "Breathing slowly lowered heart rate in a small trial"
    )
    expect(staff.get_by_role("textbox", name="Web address (slug):")).to_have_value(
        "breathing-slowly-lowered-heart-rate-in-a-small-trial"
    )
    staff.get_by_role("textbox", name="Standfirst:").fill("Twenty adults practised for four weeks.")

    editor = staff.locator(".prose-editor > .ProseMirror")
    editor.click()
    editor.press_sequentially("Participants breathed six times a minute. ")
    editor.press("Control+b")
    editor.press_sequentially("Resting heart rate fell")
    editor.press("Control+b")
    editor.press_sequentially(" by about four beats.")

    staff.get_by_label("Status:").select_option("published")
    staff.locator("input[name=cover_image]").set_input_files(cover)
    staff.get_by_label("Cover alt text:").fill("A person breathing calmly by a window")
    staff.get_by_role("button", name="Save", exact=True).first.click()

    expect(staff.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(slug="breathing-slowly-lowered-heart-rate-in-a-small-trial")
    assert article.is_published
    assert "<strong>Resting heart rate fell</strong>" in article.body

    reader = open_browser().new_page()
    reader.goto("/")
    reader.get_by_role("link", name=article.title).click()
    expect(reader).to_have_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    expect(reader.locator(".prose strong")).to_have_text("Resting heart rate fell")
    cover_image = reader.get_by_role("img", name="A person breathing calmly by a window")
    expect(cover_image).to_be_visible()
    assert image_loaded(cover_image)


@AT_A_DESK
def test_an_editor_writing_longer_than_the_idle_limit_keeps_their_work(
    open_browser, staff_user, settings
):
    """Typing sends no request, nor does a pause to think: without the page telling the
    server, the session would run out and the save would lead to the sign-in page, the
    article lost."""
    settings.SESSION_COOKIE_AGE = 5  # the page then checks in every second
    staff = open_browser().new_page()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:articles_article_add"))
    title = staff.get_by_role("textbox", name="Title:")
    for word in ["A", "long", "article", "written", "slowly"]:
        title.press_sequentially(word + " ")
        staff.wait_for_timeout(1_200)
    staff.wait_for_timeout(6_000)  # a pause longer than the limit, typing nothing
    editor = staff.locator(".prose-editor > .ProseMirror")
    editor.click()
    editor.press_sequentially("The body.")
    staff.get_by_role("button", name="Save", exact=True).first.click()
    expect(staff.locator(".messagelist")).to_contain_text("was added successfully")
    assert Article.objects.filter(title__startswith="A long article written slowly").exists()


@AT_A_DESK
def test_an_editor_leaving_unsaved_work_is_asked_first_and_back_loses_nothing_silently(
    open_browser, staff_user
):
    article = make_article(body="<p>The saved body, long and careful.</p>")
    staff = open_browser().new_page()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:articles_article_change", args=[article.pk]))
    editor = staff.locator(".prose-editor > .ProseMirror")
    expect(editor).to_contain_text("The saved body")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    # Finding a page in the sidebar (wide screens have one) is not editing.
    if staff.locator("#nav-filter").is_visible():
        staff.on("dialog", stay)
        staff.locator("#nav-filter").fill("topic")
        staff.locator("#nav-sidebar").get_by_role("link", name="Topics").click()
        expect(staff.get_by_role("heading", name="Select topic to change")).to_be_visible()
        assert asked == []
        staff.remove_listener("dialog", stay)
        staff.go_back()

    editor.click()
    editor.press("End")
    editor.press_sequentially(" One more careful line.")

    staff.once("dialog", stay)
    staff.locator("#site-name a").click()
    expect(editor).to_contain_text("One more careful line.")
    staff.once("dialog", stay)
    staff.get_by_role("button", name="Log out").click()  # leaving too, not saving
    expect(editor).to_contain_text("One more careful line.")
    assert asked == ["beforeunload", "beforeunload"]

    # Left anyway and come back: the form shows the saved text, in the editor and in
    # the field it saves from alike, so a save cannot put one over the other unseen.
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.locator("#site-name a").click()
    expect(staff.get_by_role("heading", name="Site administration")).to_be_visible()
    staff.go_back()
    expect(editor).to_contain_text("The saved body")
    assert staff.locator("textarea[name=body]").input_value() == (
        "<p>The saved body, long and careful.</p>"
    )
    editor.click()
    editor.press("End")
    editor.press_sequentially(" Written again.")
    staff.get_by_role("button", name="Save", exact=True).first.click()
    expect(staff.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.body == "<p>The saved body, long and careful. Written again.</p>"


@AT_A_DESK
def test_an_editor_signed_out_before_saving_keeps_their_work_and_saves_after_signing_in(
    open_browser, staff_user
):
    """The laptop slept past the idle limit, or someone signed out in another tab: the
    save is held back with the work on the page, not lost to the sign-in page."""
    from django.contrib.sessions.models import Session

    staff = open_browser().new_page()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:articles_article_add"))
    staff.get_by_role("textbox", name="Title:").press_sequentially("Written before a nap")
    editor = staff.locator(".prose-editor > .ProseMirror")
    editor.click()
    editor.press_sequentially("Every word of it.")

    Session.objects.all().delete()
    staff.get_by_role("button", name="Save", exact=True).first.click()
    alert = staff.get_by_role("alert").filter(has_text="You were signed out")
    expect(alert).to_be_visible()
    expect(staff.get_by_role("textbox", name="Title:")).to_have_value("Written before a nap")
    expect(editor).to_contain_text("Every word of it.")
    assert not Article.objects.exists()

    # Signing in again (in another tab) gives the browser a new form token as well.
    with staff.context.expect_page() as new_tab:
        alert.get_by_role("link", name="sign in again in a new tab").click()
    sign_in(new_tab.value, staff_user)
    staff.bring_to_front()
    staff.get_by_role("button", name="Save", exact=True).first.click()
    expect(staff.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(title="Written before a nap")
    assert "Every word of it." in article.body


@AT_A_DESK
def test_a_form_that_came_back_with_errors_is_not_left_without_asking(open_browser, staff_user):
    """What was typed there is not saved yet, however fresh the page is."""
    staff = open_browser().new_page()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:articles_article_add"))
    staff.get_by_role("textbox", name="Title:").fill("Half finished")
    staff.get_by_role("textbox", name="Web address (slug):").fill("")
    staff.get_by_role("button", name="Save", exact=True).first.click()
    expect(staff.locator(".errornote")).to_be_visible()

    asked = []
    staff.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    staff.locator(".breadcrumbs").get_by_role("link", name="Articles").click()
    expect(staff.get_by_role("textbox", name="Title:")).to_have_value("Half finished")
    assert asked == ["beforeunload"]


@AT_A_DESK
def test_a_pasted_address_longer_than_the_field_is_not_cut_short(open_browser, staff_user):
    """The browser would keep the first 200 characters without a word, and the article
    would name a broken address as its canonical one."""
    article = make_article()
    long_address = "https://example.org/" + "a-long-path/" * 20
    staff = open_browser().new_page()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:articles_article_change", args=[article.pk]))
    staff.get_by_text("Search and sharing").click()
    field = staff.get_by_role("textbox", name="Canonical URL:")
    field.fill(long_address)
    staff.get_by_role("button", name="Save", exact=True).first.click()
    expect(staff.locator(".errornote")).to_be_visible()
    expect(staff.locator("#content-main")).to_contain_text(
        f"Please shorten this to 200 characters or fewer (it has {len(long_address)})"
    )
    expect(field).to_have_value(long_address)
    article.refresh_from_db()
    assert article.canonical_url == ""


# A paste as the browser hands it to the editor: HTML, a plain-text copy and any files.
PASTE = """(node, {html, files}) => {
    const data = new DataTransfer();
    if (html) {
        data.setData("text/html", html);
        data.setData("text/plain", html.replace(/<[^>]+>/g, " "));
    }
    for (const name of files || []) {
        data.items.add(new File(["not really an image"], name, {type: "image/png"}));
    }
    node.dispatchEvent(
        new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true})
    );
}"""


def open_a_body_in_its_editor(open_browser, staff_user):
    """A one-paragraph article open in the admin, its body's editor clicked into: the
    article, the staff member's page and the editor."""
    article = make_article(body="<p>Before.</p>")
    staff = open_browser().new_page()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:articles_article_change", args=[article.pk]))
    editor = staff.locator(".prose-editor > .ProseMirror")
    editor.click()
    return article, staff, editor


@AT_A_DESK
def test_what_the_editor_leaves_out_of_pasted_text_is_named_under_it(open_browser, staff_user):
    """Pasted from a document, images vanished and a title turned into a paragraph without
    a word: staff found out on the public page, if at all."""
    article, staff, editor = open_a_body_in_its_editor(open_browser, staff_user)
    editor.press("End")
    editor.evaluate(
        PASTE,
        {
            "html": '<h1>Slow breathing</h1><p>Heart rate fell.<img src="https://example.org/'
            'chart.png" alt="Chart"></p><figure><img src="https://example.org/b.png">'
            "<figcaption>Twenty adults.</figcaption></figure>"
            '<iframe src="https://video.example.org/embed/1"></iframe>',
        },
    )
    notice = staff.get_by_role("status").filter(has_text="Left out")
    expect(notice).to_contain_text("Left out of what you added: 2 images and 1 embedded player")
    expect(notice).to_contain_text(
        "Turned into ordinary paragraphs: 1 heading of a level the body does not use"
    )
    expect(editor).to_contain_text("Slow breathing")
    expect(editor).to_contain_text("Twenty adults.")

    # A screenshot pasted on its own is named too; text that lost nothing clears the notice.
    editor.evaluate(PASTE, {"files": ["screenshot.png"]})
    expect(notice).to_have_text(re.compile(r"^Left out of what you added: 1 image\."))
    editor.evaluate(PASTE, {"html": "<p>Resting heart rate <strong>fell</strong>.</p>"})
    expect(staff.locator("[data-paste-notice]")).to_have_count(0)

    staff.get_by_role("button", name="Save", exact=True).first.click()
    expect(staff.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert "Slow breathing" in article.body
    assert "Resting heart rate <strong>fell</strong>" in article.body


# Google Docs' clipboard, as Chromium hands it over: everything inside a <b> that only its
# own style says is not bold, and the real bold and italic said by styles alone.
GOOGLE_DOCS_SPAN = (
    "font-size:11pt;font-family:Arial,sans-serif;color:#000000;background-color:transparent;"
    "font-weight:{weight};font-style:{style};font-variant:normal;text-decoration:none;"
    "vertical-align:baseline;white-space:pre;white-space:pre-wrap;"
)


def google_docs_span(text, weight=400, style="normal"):
    return f'<span style="{GOOGLE_DOCS_SPAN.format(weight=weight, style=style)}">{text}</span>'


GOOGLE_DOCS_PASTE = (
    '<meta charset="utf-8"><b style="font-weight:normal;" '
    'id="docs-internal-guid-3f1c2a7e-7fff-5b1e-0c4d-8a2e6b9d1f00">'
    '<h2 dir="ltr" style="line-height:1.38;margin-top:18pt;margin-bottom:6pt;">'
    + google_docs_span("What the trial found").replace("11pt", "16pt")
    + "</h2>"
    '<p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;">'
    + google_docs_span("Twenty adults breathed six times a minute. ")
    + google_docs_span("Resting heart rate fell", weight=700)
    + google_docs_span(" by about four beats, ")
    + google_docs_span("in a small trial", style="italic")
    + google_docs_span(".")
    + "</p><br>"
    '<p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;">'
    + google_docs_span("Read ")
    + '<a href="https://example.org/study" style="text-decoration:none;">'
    + google_docs_span("the study").replace("color:#000000", "color:#1155cc")
    + "</a>"
    + google_docs_span(".")
    + "</p>"
    '<ul style="margin-top:0;margin-bottom:0;padding-inline-start:48px;">'
    '<li dir="ltr" style="list-style-type:disc;font-size:11pt;font-family:Arial,sans-serif;'
    'font-weight:400;font-style:normal;" aria-level="1">'
    '<p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;" role="presentation">'
    + google_docs_span("Sleep improved too")
    + "</p></li></ul></b>"
)


def paste_over_a_body_and_save(open_browser, staff_user, clipboard_html, *, last_words):
    """An article's whole body replaced by a paste, as staff do with Ctrl+A, Ctrl+V and
    Save; the article as saved."""
    article, staff, editor = open_a_body_in_its_editor(open_browser, staff_user)
    editor.press("Control+a")
    editor.evaluate(PASTE, {"html": clipboard_html})
    expect(editor).to_contain_text(last_words)
    staff.get_by_role("button", name="Save", exact=True).first.click()
    expect(staff.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    return article


@AT_A_DESK
def test_a_google_docs_paste_keeps_its_bold_and_italic_and_nothing_more(open_browser, staff_user):
    """Google Docs wraps what it copies in a <b> whose style says "not bold", and says
    what is bold or italic with styles alone; the site's policy hides styles from the
    editor, so a pasted article came out bold from end to end."""
    article = paste_over_a_body_and_save(
        open_browser, staff_user, GOOGLE_DOCS_PASTE, last_words="Sleep improved too"
    )
    assert re.findall(r"<strong>(.*?)</strong>", article.body) == ["Resting heart rate fell"]
    assert re.findall(r"<em>(.*?)</em>", article.body) == ["in a small trial"]
    assert "<h2>What the trial found</h2>" in article.body
    assert re.search(r'<a href="https://example.org/study"[^>]*>the study</a>', article.body)
    assert "<ul><li><p>Sleep improved too</p></li></ul>" in article.body
    assert "Before." not in article.body

    reader = open_browser().new_page()
    reader.goto(article.get_absolute_url())
    expect(reader.locator(".prose strong")).to_have_text(["Resting heart rate fell"])
    expect(reader.locator(".prose em")).to_have_text(["in a small trial"])


def word_list_paragraph(text, *, list_id, level, marker, position="Middle"):
    """A list item as Word copies it: a paragraph whose text starts with its bullet or
    number and spaces, and only its style saying it belongs to a list."""
    return (
        f"<p class=MsoListParagraphCxSp{position} style='margin-left:{level * 0.5}in;"
        f"text-indent:-.25in;mso-list:l{list_id} level{level} lfo{list_id + 1}'>"
        "<![if !supportLists]><span style='font-family:Symbol;mso-fareast-font-family:Symbol'>"
        f"<span style='mso-list:Ignore'>{marker}<span style='font:7.0pt \"Times New Roman\"'>"
        "&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>"
        f"{text}<o:p></o:p></p>\n"
    )


WORD_PASTE = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns="http://www.w3.org/TR/REC-html40"><head><meta name=ProgId content=Word.Document>'
    '<style><!-- p.MsoNormal {margin:0in; font-family:"Calibri",sans-serif;} '
    "@list l0:level1 {mso-level-number-format:bullet;} --></style></head>"
    "<body lang=EN-US style='tab-interval:.5in'><!--StartFragment-->\n"
    "<p class=MsoNormal><b>What changed.</b> Over four weeks:<o:p></o:p></p>\n"
    + word_list_paragraph("Sleep improved", list_id=0, level=1, marker="·", position="First")
    + word_list_paragraph(
        "Especially <b style='mso-bidi-font-weight:normal'>deep</b> sleep",
        list_id=0,
        level=2,
        marker="o",
    )
    + word_list_paragraph("Mood lifted", list_id=0, level=1, marker="·", position="Last")
    + "<p class=MsoNormal>To practise:<o:p></o:p></p>\n"
    + word_list_paragraph("Breathe in", list_id=1, level=1, marker="1.", position="First")
    + word_list_paragraph("Breathe out", list_id=1, level=1, marker="2.", position="Last")
    + "<!--EndFragment--></body></html>"
)


@AT_A_DESK
def test_a_word_paste_keeps_its_lists_as_lists(open_browser, staff_user):
    """Word's bulleted and numbered lists arrived as paragraphs starting with "·" or
    "1." and spaces: neither a list on the public page nor one staff could edit."""
    article = paste_over_a_body_and_save(
        open_browser, staff_user, WORD_PASTE, last_words="Breathe out"
    )
    assert "·" not in article.body
    assert "<p><strong>What changed.</strong> Over four weeks:</p>" in article.body
    assert (
        "<ul><li><p>Sleep improved</p>"
        "<ul><li><p>Especially <strong>deep</strong> sleep</p></li></ul></li>"
        "<li><p>Mood lifted</p></li></ul>"
    ) in article.body
    assert re.search(
        r"<ol[^>]*><li><p>Breathe in</p></li><li><p>Breathe out</p></li></ol>", article.body
    )


@AT_A_DESK
def test_a_decimal_comma_in_a_program_number_is_asked_again_not_multiplied(
    open_browser, staff_user
):
    """A number box drops the comma of "2,5" as it is typed: the page then said "About 25
    hours a week", and search engines read 25 hours too."""
    from programs.models import Program
    from tests.programs.factories import make_program

    program = make_program(hours_per_week=None, duration_weeks=None)
    staff = open_browser().new_page()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:programs_program_change", args=[program.pk]))
    hours = staff.get_by_role("textbox", name="Hours per week:")
    hours.press_sequentially("2,5")
    weeks = staff.get_by_role("textbox", name="Duration in weeks:")
    weeks.press_sequentially("6,5")
    staff.get_by_role("button", name="Save", exact=True).first.click()
    expect(staff.locator("#content-main")).to_contain_text("with a point for a half: 2.5")
    expect(staff.locator("#content-main")).to_contain_text("a whole number of weeks")
    expect(hours).to_have_value("2,5")
    expect(weeks).to_have_value("6,5")
    assert Program.objects.get(pk=program.pk).hours_per_week is None

    hours.fill("2.5")
    weeks.fill("6")
    staff.get_by_role("button", name="Save", exact=True).first.click()
    expect(staff.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = Program.objects.get(pk=program.pk)
    assert (str(saved.hours_per_week), saved.duration_weeks) == ("2.5", 6)


@AT_A_DESK
def test_a_double_click_on_save_sends_the_form_once(open_browser, staff_user):
    """Each click would otherwise be checked and sent: "Save and add another" would make
    the same topic twice, or the second copy would come back refused."""
    staff = open_browser().new_page()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:articles_topic_add"))
    staff.get_by_role("textbox", name="Name:").fill("Breathwork")
    posts = []
    staff.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    staff.get_by_role("button", name="Save", exact=True).dblclick()
    expect(staff.locator(".messagelist")).to_contain_text("was added successfully")
    staff.wait_for_timeout(500)  # a second post would have left by now
    assert len(posts) == 1


@AT_A_DESK
def test_a_click_on_save_while_the_next_page_loads_sends_nothing_more(open_browser, staff_user):
    """A slow server: the first save is on its way when the editor clicks again."""
    staff = open_browser().new_page()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:articles_topic_add"))
    staff.get_by_role("textbox", name="Name:").fill("Breathwork")
    held = []
    staff.route(
        "**" + reverse("admin:articles_topic_add"),
        lambda route: held.append(route) if route.request.method == "POST" else route.fallback(),
    )
    # The editor's second click, a moment after the first: set up beforehand, since a
    # page that is loading the next one takes no more commands from the test.
    staff.evaluate("setTimeout(() => document.querySelector('input[name=_save]').click(), 1000)")
    staff.get_by_role("button", name="Save", exact=True).click(no_wait_after=True)
    staff.wait_for_timeout(2000)
    assert held, "the first save was sent"
    assert len(held) == 1
    held[0].fallback()
    expect(staff.locator(".messagelist")).to_contain_text("was added successfully")
    assert Topic.objects.filter(name="Breathwork").count() == 1


@AT_A_DESK
def test_a_save_that_never_arrived_can_be_sent_again(open_browser, staff_user):
    """Stop pressed during a slow save, or the connection lost: the editor is still on
    the page with their work, and Save works again after a while."""
    staff = open_browser().new_page()
    staff.clock.install()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:articles_topic_add"))
    staff.get_by_role("textbox", name="Name:").fill("Breathwork")
    posts = []

    def lose_the_first(route):
        if route.request.method != "POST":
            return route.fallback()
        posts.append(route.request)
        return route.abort("aborted") if len(posts) == 1 else route.fallback()

    staff.route("**" + reverse("admin:articles_topic_add"), lose_the_first)
    staff.get_by_role("button", name="Save", exact=True).click(no_wait_after=True)
    staff.wait_for_timeout(1000)
    assert len(posts) == 1
    expect(staff.get_by_role("textbox", name="Name:")).to_have_value("Breathwork")

    staff.clock.fast_forward(16_000)
    asked = []
    staff.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    staff.close(run_before_unload=True)  # leaving now asks first again; the editor stays
    staff.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.locator(".messagelist")).to_contain_text("was added successfully")
    assert len(posts) == 2
    assert Topic.objects.filter(name="Breathwork").count() == 1


@AT_A_DESK
def test_a_browser_without_request_submit_still_saves_with_the_button_pressed(
    open_browser, staff_user
):
    """Older Safari has no form.requestSubmit: the save goes out by form.submit(), which
    would otherwise lose which button was pressed ("Save and add another")."""
    context = open_browser()
    context.add_init_script("delete HTMLFormElement.prototype.requestSubmit;")
    staff = context.new_page()
    sign_in(staff, staff_user)
    staff.goto(reverse("admin:articles_topic_add"))
    staff.get_by_role("textbox", name="Name:").fill("Breathwork")
    staff.get_by_role("button", name="Save and add another").click()
    expect(staff.locator(".messagelist")).to_contain_text("You may add another topic below")
    expect(staff.get_by_role("textbox", name="Name:")).to_have_value("")
    assert Topic.objects.filter(name="Breathwork").count() == 1

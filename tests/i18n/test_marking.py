"""Every member-visible text in the code is marked for translation (an AST scan: errors'
messages, emails' subjects and texts, notifications' titles and reasons, text constants)."""

from app.i18n.marking import HOW_TO_MARK, scan, scan_source


def test_no_member_visible_text_is_left_unmarked() -> None:
    found = scan()
    assert found == [], "\n".join([*map(str, found), "Fix: " + HOW_TO_MARK])


def test_the_scan_catches_each_kind_of_unmarked_text() -> None:
    # given: a module written the old way, with one marked line
    source = """
from app.i18n import _, gettext
TITLES = {"a": "You earned a badge", "b": _("Marked")}

async def run(bag, member, n):
    bag.add(E.INVALID, "At most 20 characters.", "name")
    raise DomainError(E.NOT_FOUND, f"No such asset {n}.", "assetId")
    raise AccessDenied("Only " + "admins.")
    await queue_email(to=member.email, subject="Hello".format(), text=gettext("Marked {n}", n=n))
    await Notification.create(title=f"You are testing {n}", reason="")
    jobs = [{"to": member.email, "subject": "Your receipt", "text": body}]
    raise DomainError(E.NOT_FOUND, _("No such asset."), "assetId")
    page = f"<h2>{gettext('Badges')}</h2>"
"""
    # when
    found = [(u.line, u.what) for u in scan_source(source, "app/example.py")]
    # then
    assert sorted(found) == [
        (3, "text constant TITLES"),
        (6, "ErrorBag message"),
        (7, "DomainError message"),
        (8, "AccessDenied message"),
        (9, "email subject"),
        (10, "notification title"),
        (11, "email subject"),
        (13, "a text marked inside an f-string"),
    ]

"""What the simulation expects the hub to hold: every entity it made, in the order it made it.

Random choices read only this model (never database ids or row order), so a seed replays the
same operations. What background jobs change later (credits earned, voucher refunds, holds
that housekeeping voids) is kept apart until the next barrier, where the worker has drained:
`pending_in` credits may or may not have landed yet, `releasing` holds may or may not be void.
Operations whose outcome would depend on that timing are not chosen until the barrier settles
it, so every outcome is predicted exactly.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Person:
    idx: int
    email: str
    name: str
    id: int
    registered_epoch: int  # barrier count when registered: the link has arrived after the next
    verified: bool = False
    link: str | None = None  # the token of the emailed link, once followed
    token: str | None = None
    refresh: str | None = None
    moderator: bool = False
    balance: int = 0  # certain part of the balance
    pending_in: int = 0  # credits on their way (earnings, refunds) until the next barrier
    held: int = 0  # certain holds
    releasing: int = 0  # holds that housekeeping will void (expired requests)

    @property
    def ref(self) -> str:
        return f"m{self.idx}"

    def lowest_available(self, limit: int) -> int:
        return self.balance - self.held - self.releasing + limit

    def highest_available(self, limit: int) -> int:
        return self.balance + self.pending_in - self.held + limit


@dataclass
class Org:
    idx: int
    id: int
    kind: str
    owner: int
    staff: dict[int, str] = field(default_factory=dict)  # person idx -> role (owner included)
    balance: int = 0
    pending_out: int = 0  # refunds of expired vouchers on their way out

    @property
    def ref(self) -> str:
        return f"org{self.idx}"


@dataclass
class Opp:
    idx: int
    id: int
    title: str
    kind: str  # offer | request
    poster: int
    org: int | None
    places: int
    auto_accept: bool
    status: str = "published"
    accepted: int = 0
    apps: list[int] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"o{self.idx}"

    @property
    def open(self) -> bool:
        return self.status in ("published", "filled")


@dataclass
class App:
    idx: int
    id: int
    opp: int
    applicant: int
    status: str
    ever_accepted: bool = False
    cancel_notice: bool = False  # open when its opportunity was cancelled: emailed

    @property
    def ref(self) -> str:
        return f"a{self.idx}"


@dataclass
class Hours:
    idx: int
    id: int
    app: int
    volunteer: int
    day: date
    minutes: int
    status: str = "pending"
    credited: bool = False  # the barrier saw the credit land

    @property
    def ref(self) -> str:
        return f"h{self.idx}"


@dataclass
class Payment:
    idx: int
    payer: int
    payee: int
    amount: int
    memo: str
    key: str
    transfer_id: int


@dataclass
class Share:
    payer: int
    amount: int
    status: str = "pending"
    key: str | None = None


@dataclass
class Request:
    idx: int
    id: int
    requester: int
    shares: list[Share]
    status: str = "pending"  # ... or "expiring": past its deadline, housekeeping due

    @property
    def ref(self) -> str:
        return f"r{self.idx}"


@dataclass
class Offer:
    idx: int
    id: int
    org: int
    title: str
    cost: int
    initial_stock: int
    stock: int
    per_member_limit: int
    refund_unused: bool

    @property
    def ref(self) -> str:
        return f"v{self.idx}"


@dataclass
class Voucher:
    idx: int
    id: int
    offer: int
    member: int
    code: str
    key: str
    status: str = "issued"  # issued | used | expiring | refunded | expired

    @property
    def ref(self) -> str:
        return f"c{self.idx}"


@dataclass
class Model:
    overdraft: int
    credits_per_hour: int
    people: list[Person] = field(default_factory=list)
    orgs: list[Org] = field(default_factory=list)
    opps: list[Opp] = field(default_factory=list)
    apps: list[App] = field(default_factory=list)
    hours: list[Hours] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    vouchers: list[Voucher] = field(default_factory=list)
    others: dict[int, str] = field(default_factory=dict)  # member id -> email: the hub admin
    # Members who owed more than the overdraft limit when it was last set: member id -> their
    # available balance then (they may stay below the limit, never go lower).
    floors: dict[int, int] = field(default_factory=dict)
    epoch: int = 0  # barriers passed
    holds_made: int = 0  # exchange holds made by approvals (pending, posted or voided)

    def signed_in(self) -> list[Person]:
        return [p for p in self.people if p.token is not None]

    def earned(self, minutes: int) -> int:
        return (minutes * self.credits_per_hour + 30) // 60

    def day_total(self, volunteer: int, day: date) -> int:
        return sum(
            h.minutes
            for h in self.hours
            if h.volunteer == volunteer and h.day == day and h.status != "rejected"
        )

    def managers(self, opp: Opp) -> list[int]:
        """Who may decide on its applications: the poster, or anyone of its organisation."""
        if opp.org is None:
            return [opp.poster]
        return sorted(self.orgs[opp.org].staff)

    def volunteer(self, app: App) -> int:
        opp = self.opps[app.opp]
        return app.applicant if opp.kind == "request" else opp.poster

    def receivers(self, app: App) -> list[int]:
        """The side that was helped: verifies or disputes the hours."""
        opp = self.opps[app.opp]
        if opp.kind == "offer":
            return [app.applicant]
        side = {opp.poster}
        if opp.org is not None:
            side |= set(self.orgs[opp.org].staff)
        return sorted(side)

    def vouchers_taken(self, offer: Offer, member: int) -> tuple[int, int]:
        """Vouchers of the member that count against the offer's limit: (at least, at most)."""
        mine = [v for v in self.vouchers if v.offer == offer.idx and v.member == member]
        certain = sum(1 for v in mine if v.status in ("issued", "used", "expired"))
        maybe = sum(1 for v in mine if v.status == "expiring")
        if not offer.refund_unused:
            return certain + maybe, certain + maybe
        return certain, certain + maybe

    def settle(self) -> None:
        """The barrier drained every job: what was on its way has landed."""
        for person in self.people:
            person.balance += person.pending_in
            person.pending_in = 0
            person.releasing = 0
        for org in self.orgs:
            org.balance -= org.pending_out
            org.pending_out = 0
        for hours in self.hours:
            hours.credited = hours.status == "verified"
        for request in self.requests:
            if request.status == "expiring":
                request.status = "expired"
        for voucher in self.vouchers:
            if voucher.status == "expiring":
                refunded = self.offers[voucher.offer].refund_unused
                voucher.status = "refunded" if refunded else "expired"
        self.epoch += 1

"""Members' data rights: a member (or the coordinator acting for a proxy member) asks for
their data or erases their account; an export is theirs alone to see."""

from app.gdpr.models import DataExport
from app.policy import SIGNED_IN, IsViewer, ModulePolicy, mutation, node

POLICY = ModulePolicy(
    types=[
        node(
            "DataExport",
            model=DataExport,
            see=IsViewer("member_id"),
            public=["id", "status", "createdAt", "readyAt", "expiresAt"],
        ),
    ],
    mutations=[
        mutation("requestDataExport", SIGNED_IN),
        mutation("eraseAccount", SIGNED_IN),
    ],
)

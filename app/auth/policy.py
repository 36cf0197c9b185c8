"""Signing in is open to anyone; signing out needs a session."""

from app.policy import ANYONE, SIGNED_IN_OR_GUEST, ModulePolicy, mutation, query

POLICY = ModulePolicy(
    queries=[query("viewer", ANYONE, guests=True)],
    mutations=[
        mutation("register", ANYONE),
        mutation("verifyEmail", ANYONE),
        mutation("resendVerificationEmail", ANYONE),
        mutation("login", ANYONE),
        mutation("refreshToken", ANYONE),
        mutation("logout", SIGNED_IN_OR_GUEST, guests=True),
        mutation("requestPasswordReset", ANYONE),
        mutation("resetPassword", ANYONE),
    ],
)

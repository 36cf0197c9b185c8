"""Sign-in mutations, one per module."""

import strawberry

from schema.auth.mutations.login import login
from schema.auth.mutations.logout import logout
from schema.auth.mutations.refresh_token import refresh_token
from schema.auth.mutations.register import register
from schema.auth.mutations.request_password_reset import request_password_reset
from schema.auth.mutations.resend_verification_email import resend_verification_email
from schema.auth.mutations.reset_password import reset_password
from schema.auth.mutations.verify_email import verify_email


@strawberry.type
class AuthMutations:
    register = strawberry.mutation(resolver=register)
    verify_email = strawberry.mutation(resolver=verify_email)
    resend_verification_email = strawberry.mutation(resolver=resend_verification_email)
    login = strawberry.mutation(resolver=login)
    refresh_token = strawberry.mutation(resolver=refresh_token)
    logout = strawberry.mutation(resolver=logout)
    request_password_reset = strawberry.mutation(resolver=request_password_reset)
    reset_password = strawberry.mutation(resolver=reset_password)

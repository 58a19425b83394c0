"""The internal events the customers domain publishes (through ``core.outbox``).

They are not offered to ERPs (``webhooks.events.EventType`` lists those); the
``notifications`` app emails on them.
"""

#: A user was created with an invitation, or an invitation was sent again.
#: ``{"user_id", "company_id", "resend": bool}``
CUSTOMER_USER_INVITED = "customer_user.invited"
#: A customer admin tried to invite an address that already has an account; its holder
#: is told. ``{"user_id", "company_id"}`` (``company_id``: the inviting company).
CUSTOMER_USER_INVITATION_ATTEMPTED = "customer_user.invitation_attempted"

"""Every change to an application: registration, the clock's pauses and extensions, fees, replies, letters.

Each service checks access, validates (ValidationError naming the field), saves and writes the audit event
inside one transaction. Dates are passed in (`on=`) because paper correspondence is often recorded later;
none may lie in the future. The package splits them by step; import them from here.
"""

from gongkai.applications.services.article44 import applications_link_proactive_item
from gongkai.applications.services.base import (
    APPLICANT_FIELDS,
    AUDIT_FIELDS,
    REQUEST_FIELDS,
    application_deadline,
    fee_wait_excluded,
)
from gongkai.applications.services.charges import (
    application_count_items,
    application_notify_fee,
    application_record_payment,
    fee_quote,
    prior_items_this_month,
)
from gongkai.applications.services.closing import (
    application_alerts_scan,
    application_close_fee_unpaid,
    application_close_without_correction,
    application_deadlines_recheck,
    application_issue_reply,
    application_reply,
    application_withdraw,
)
from gongkai.applications.services.correspondence import letter_deliver, letter_template_body, letter_template_save
from gongkai.applications.services.drafting import (
    REPLY_OUTCOMES,
    application_draft_reply,
    application_return_reply,
    application_sign_reply,
    application_withdraw_draft,
    sign_off_setting_save,
)
from gongkai.applications.services.intake import (
    application_assign,
    application_register,
    application_set_topics,
    application_submit_online,
    topic_get_or_create,
    validate_applicant,
)
from gongkai.applications.services.online import (
    application_review_correction,
    application_submit_correction,
    correction_open_online,
    reply_files_add,
    reply_record_download,
)
from gongkai.applications.services.timing import (
    application_approve_extension,
    application_end_consultation,
    application_receive_correction,
    application_request_correction,
    application_request_extension,
    application_start_consultation,
)

__all__ = [
    "APPLICANT_FIELDS",
    "AUDIT_FIELDS",
    "REPLY_OUTCOMES",
    "REQUEST_FIELDS",
    "application_alerts_scan",
    "application_approve_extension",
    "application_assign",
    "application_close_fee_unpaid",
    "application_close_without_correction",
    "application_deadline",
    "application_draft_reply",
    "application_issue_reply",
    "application_return_reply",
    "application_sign_reply",
    "application_withdraw_draft",
    "application_deadlines_recheck",
    "application_end_consultation",
    "application_count_items",
    "application_notify_fee",
    "application_receive_correction",
    "application_record_payment",
    "application_register",
    "application_reply",
    "application_request_correction",
    "application_request_extension",
    "application_review_correction",
    "application_set_topics",
    "application_start_consultation",
    "application_submit_correction",
    "correction_open_online",
    "application_submit_online",
    "application_withdraw",
    "applications_link_proactive_item",
    "fee_quote",
    "fee_wait_excluded",
    "letter_deliver",
    "letter_template_body",
    "letter_template_save",
    "prior_items_this_month",
    "sign_off_setting_save",
    "reply_files_add",
    "reply_record_download",
    "topic_get_or_create",
    "validate_applicant",
]

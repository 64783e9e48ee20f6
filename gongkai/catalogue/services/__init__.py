"""Every change to the catalogue. Each service checks access, validates, saves and records the audit event
inside one transaction; the search index is written in that same transaction.

Split by subject: items.py (drafting, versions, attachments), checks.py (findings, overrides, rescans), review.py (三审三校, publishing,
withdrawal, validity), configuration.py (categories, word lists, review chain, index template, guide),
imports.py (bulk import).
"""

from gongkai.catalogue.services.checks import finding_override, item_check, items_rescan
from gongkai.catalogue.services.configuration import (
    catalogue_settings_update,
    category_create,
    category_delete,
    category_tree_ensure_default,
    category_update,
    disclosure_guide_save,
    review_chain_set,
    synonym_add,
    synonym_delete,
    word_entry_add,
    word_entry_delete,
)
from gongkai.catalogue.services.items import (
    attachment_add,
    attachment_delete,
    item_correct,
    item_create,
    item_update,
)
from gongkai.catalogue.services.review import (
    item_approve,
    item_publish_due,
    item_reject,
    item_reopen,
    item_restore,
    item_set_validity,
    item_submit,
    item_withdraw,
    item_withdraw_by_rescan,
    items_expire_due,
)

__all__ = [
    "attachment_add",
    "attachment_delete",
    "catalogue_settings_update",
    "category_create",
    "category_delete",
    "category_tree_ensure_default",
    "category_update",
    "disclosure_guide_save",
    "finding_override",
    "item_approve",
    "item_check",
    "item_correct",
    "item_create",
    "item_publish_due",
    "item_reject",
    "item_reopen",
    "item_restore",
    "item_set_validity",
    "item_submit",
    "item_update",
    "item_withdraw",
    "item_withdraw_by_rescan",
    "items_expire_due",
    "items_rescan",
    "review_chain_set",
    "synonym_add",
    "synonym_delete",
    "word_entry_add",
    "word_entry_delete",
]

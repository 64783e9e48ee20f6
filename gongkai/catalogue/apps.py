from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "gongkai.catalogue"
    label = "catalogue"
    verbose_name = _("政府信息公开目录")

    def ready(self) -> None:
        from gongkai.audit.verbs import register_audit_verbs
        from gongkai.catalogue import registrations

        register_audit_verbs(
            {
                "catalogue.item_create": _("起草目录条目"),
                "catalogue.item_update": _("修改目录条目"),
                "catalogue.item_correct": _("更正已发布条目"),
                "catalogue.item_check": _("自动检查条目"),
                "catalogue.finding_override": _("忽略检查结果"),
                "catalogue.attachment_add": _("上传附件"),
                "catalogue.attachment_delete": _("删除附件"),
                "catalogue.item_submit": _("提交审核"),
                "catalogue.item_approve": _("审核通过"),
                "catalogue.item_reject": _("审核退回"),
                "catalogue.item_schedule": _("定时发布"),
                "catalogue.item_publish": _("发布条目"),
                "catalogue.item_withdraw": _("撤回条目"),
                "catalogue.item_reopen": _("重新编辑撤回的条目"),
                "catalogue.item_withdraw_rescan": _("常态化监测自动撤回条目"),
                "catalogue.item_restore": _("恢复发布被自动撤回的条目"),
                "catalogue.item_validity": _("变更文件有效性"),
                "catalogue.item_import": _("批量导入条目"),
                "catalogue.category_tree_default": _("建立默认目录分类"),
                "catalogue.category_create": _("添加目录分类"),
                "catalogue.category_update": _("修改目录分类"),
                "catalogue.category_delete": _("删除目录分类"),
                "catalogue.word_add": _("添加词表条目"),
                "catalogue.word_delete": _("删除词表条目"),
                "catalogue.synonym_add": _("添加检索同义词"),
                "catalogue.synonym_delete": _("删除检索同义词"),
                "catalogue.review_chain_set": _("设置审核流程"),
                "catalogue.settings_update": _("修改索引号模板"),
                "catalogue.guide_save": _("修改政府信息公开指南"),
                "catalogue.rescan": _("重新检查已发布条目"),
            }
        )
        registrations.register()
        registrations.register_page_scopes()
        registrations.register_page_names()

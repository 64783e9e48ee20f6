from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gongkai.accounts"
    label = "accounts"
    verbose_name = _("用户与角色")

    def ready(self) -> None:
        from gongkai.audit.verbs import register_audit_verbs

        register_audit_verbs(
            {
                "user.create": _("创建用户"),
                "user.password_change": _("修改密码"),
                "user.password_reset": _("重置密码"),
                "user.deactivate": _("停用用户"),
                "user.activate": _("启用用户"),
                "role.grant": _("授予角色"),
                "role.revoke": _("撤销角色"),
            }
        )

"""People and the roles they hold in agencies."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member. The public never needs an account."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    job_title = models.CharField(_("职务"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    @property
    def is_site_admin(self) -> bool:
        """系统管理员: manages agencies, users and the calendar for the whole deployment."""
        return self.is_active and self.is_superuser


class Role(models.TextChoices):
    CLERK = "clerk", _("信息公开工作人员")
    REVIEWER = "reviewer", _("审核人")
    APPROVER = "approver", _("终审（分管领导）")
    AGENCY_ADMIN = "agency_admin", _("机关管理员")
    SUPERVISOR = "supervisor", _("监督人员（只读本机关及下级）")


# Roles that act on an agency's own records. A supervisor only reads, but over the whole subtree.
ACTING_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.AGENCY_ADMIN})


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="roles")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("机关"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="unique_role_per_agency")]
        ordering = ["agency__path", "role"]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency} · {self.get_role_display()}"

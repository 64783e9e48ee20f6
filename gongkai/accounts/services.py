"""Creating staff accounts and granting roles; every change is audited."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts.access import agency_can_manage_roles, forget_cached_roles
from gongkai.accounts.models import Role, RoleAssignment, User
from gongkai.agencies.models import Agency
from gongkai.audit.services import audit_record, snapshot
from gongkai.core.errors import AccessDenied

USER_FIELDS = ["username", "full_name", "phone", "job_title", "email", "is_active", "is_superuser"]


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    password: str,
    email: str = "",
    phone: str = "",
    job_title: str = "",
    is_site_admin: bool = False,
) -> User:
    """Create a staff account. The password must pass Django's validators."""
    if is_site_admin and actor is not None and not actor.is_superuser:
        raise AccessDenied(_("只有系统管理员可以创建系统管理员。"))
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        job_title=job_title,
        is_staff=is_site_admin,
        is_superuser=is_site_admin,
    )
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    audit_record(actor=actor, verb="user.create", obj=user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def role_grant(*, actor, user: User, agency: Agency, role: str) -> RoleAssignment:
    """Give `user` a role in `agency`; only that agency's administrator or a site administrator may."""
    if actor is not None and not agency_can_manage_roles(actor, agency):
        raise AccessDenied(_("您没有管理该机关人员角色的权限。"))
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色：%(role)s") % {"role": role}})
    assignment, created = RoleAssignment.objects.get_or_create(user=user, agency=agency, role=role)
    if created:
        audit_record(
            actor=actor,
            verb="role.grant",
            obj=user,
            agency=agency,
            after={"agency": agency.name, "role": role},
        )
    forget_cached_roles(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    if actor is not None and not agency_can_manage_roles(actor, assignment.agency):
        raise AccessDenied(_("您没有管理该机关人员角色的权限。"))
    before = {"agency": assignment.agency.name, "role": assignment.role}
    user, agency = assignment.user, assignment.agency
    assignment.delete()
    audit_record(actor=actor, verb="role.revoke", obj=user, agency=agency, before=before)
    forget_cached_roles(user)


@transaction.atomic
def user_password_set(*, actor, user: User, password: str) -> User:
    """A new password: the person's own change (修改密码, the caller checked the old one) or a site administrator's
    reset (重置密码). Django's validators apply; the event says who set it, never what it is. The user's other
    sessions end (their session hash no longer matches); the caller keeps the changer's own one."""
    resetting = actor is not None and actor.pk != user.pk
    if resetting and not actor.is_superuser:
        raise AccessDenied(_("只有系统管理员可以重置他人的密码。"))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, verb="user.password_reset" if resetting else "user.password_change", obj=user)
    return user


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> User:
    """停用 or 启用 an account (a person who left keeps their history, but can no longer sign in: Django refuses an
    inactive user at login and on every request of a session already open). Site administrators only, and never
    their own account."""
    if actor is not None and not actor.is_superuser:
        raise AccessDenied(_("只有系统管理员可以停用或启用用户。"))
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("不能停用自己的账号。"))
    if user.is_active == active:
        return user
    before = snapshot(user, ["is_active"])
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor, verb="user.activate" if active else "user.deactivate", obj=user, before=before,
        after=snapshot(user, ["is_active"]),
    )  # fmt: skip
    return user

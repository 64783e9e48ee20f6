from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = _("公共组件")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from gongkai.core.dbrouter import ensure_shared_cache_table
        from gongkai.core.pagecache import new_release

        # The SQLite set-up's shared cache lives in a file of its own, whose table each new connection makes sure
        # of (core/dbrouter.py).
        connection_created.connect(ensure_shared_cache_table, dispatch_uid="core-shared-cache-table")

        # Every upgrade runs `migrate` (docs/deploy.md): pages and parts kept in the shared cache were rendered
        # by the old templates and code, which no change of content would replace. post_migrate is sent once per
        # app with models (core has none): once per run, from contenttypes, which every site has.
        post_migrate.connect(new_release, sender=apps.get_app_config("contenttypes"), dispatch_uid="core-new-release")

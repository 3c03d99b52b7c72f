"""Create (or bring up to date) the "curators" group: upload, edit and delete resolutions in the admin."""
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

GROUP_NAME = "curators"
# Upload needs add + change on resolutions (an upload may replace a text); edits need change on the parts.
CURATOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("resolution", "paragraph", "footnote", "reference")
    for action in ("add", "change", "delete", "view")
] + ["view_sourcefile", "view_revision"] + ["view_work", "change_work", "view_fetchrecord"] + [  # change_work: re-check the alignment
    # Series are derived; curators join and split them by decisions.
    "view_series", "view_seriesmember", "add_seriesdecision", "change_seriesdecision", "delete_seriesdecision",
    "view_seriesdecision",
]


def ensure_curator_group() -> Group:
    """The curators group with exactly CURATOR_PERMISSIONS; run after migrate."""
    permissions = list(Permission.objects.filter(content_type__app_label="resolutions", codename__in=CURATOR_PERMISSIONS))
    missing = set(CURATOR_PERMISSIONS) - {p.codename for p in permissions}
    if missing:
        raise CommandError(f"permissions missing (run migrate first): {', '.join(sorted(missing))}")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)
    return group


class Command(BaseCommand):
    help = 'Create the "curators" group; add a user to it with --add-user USERNAME (the user must be staff).'

    def add_arguments(self, parser):
        parser.add_argument("--add-user", action="append", default=[], metavar="USERNAME")

    def handle(self, *args, add_user, **options):
        from django.contrib.auth import get_user_model

        group = ensure_curator_group()
        self.stdout.write(f'group "{group.name}": {group.permissions.count()} permissions')
        User = get_user_model()
        for username in add_user:
            try:
                user = User.objects.get(**{User.USERNAME_FIELD: username})
            except User.DoesNotExist:
                raise CommandError(f"no user {username!r}; create it with createsuperuser or the admin") from None
            if not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            user.groups.add(group)
            self.stdout.write(f"{username} is a curator (staff, in group {group.name})")

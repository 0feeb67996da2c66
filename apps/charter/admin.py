"""Admin for the charter, its sections, the working groups and their memberships.

Also home of two admin helpers the milestones and meetings admins reuse (they sit on the
floors above charter): ``OnePerParentFormSet`` turns a database uniqueness rule that spans
inline rows into a form error, and ``VersionedAdminMixin`` keeps the optimistic-locking
``version`` column honest when staff edit through the admin.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from apps.accounts.admin import UserAdmin, UserChangeForm
from apps.accounts.models import Side, User
from apps.charter.models import Charter, CharterSection, Membership, Role, WorkingGroup
from apps.charter.services import users_side_error
from apps.charter.signals import send_member_joined

# --- helpers shared with the admins of the floors above --------------------------------------


def constraint_message(model, name: str) -> str:
    """The violation message of the model's constraint called ``name``."""
    for constraint in model._meta.constraints:
        if constraint.name == name:
            return constraint.get_violation_error_message()
    raise LookupError(f"{model.__name__} has no constraint named {name!r}")


def _always(data: dict) -> bool:
    return True


@dataclass(frozen=True)
class OnePer:
    """At most one inline row per value of ``fields`` (among rows where ``applies``).

    ``constraint`` names the model constraint that enforces the same rule in the
    database; its ``violation_error_message`` is the error shown.
    """

    constraint: str
    fields: tuple[str, ...]
    applies: Callable[[dict], bool] = field(default=_always)


def _hashable(value):
    return value.pk if hasattr(value, "pk") else value


class OnePerParentFormSet(BaseInlineFormSet):
    """An inline formset that checks ``rules`` across its rows.

    Each form validates the model's constraints against the database, but two new rows
    in the same submission cannot see each other (and Django's formset check skips
    conditional unique constraints): without this the second one reaches the database
    and the admin shows an IntegrityError page. Forms appear in the formset in page
    order, existing rows first, so the error lands on the row being added.
    """

    rules: tuple[OnePer, ...] = ()

    def clean(self):
        for rule in self.rules:
            message = constraint_message(self.model, rule.constraint)
            seen = set()
            for form in self.forms:
                if self.can_delete and self._should_delete_form(form):
                    continue
                if not form.is_valid() or not form.cleaned_data:
                    continue  # already has an error, or an untouched extra row
                if not rule.applies(form.cleaned_data):
                    continue
                key = tuple(_hashable(form.cleaned_data.get(name)) for name in rule.fields)
                if None in key:
                    continue
                if key in seen:
                    form.add_error(None, message)
                else:
                    seen.add(key)
        super().clean()


def one_per_parent_formset(*rules: OnePer) -> type[OnePerParentFormSet]:
    return type("OnePerParentFormSet", (OnePerParentFormSet,), {"rules": rules})


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the page was loaded at; a stale save is a form error."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if self.instance.pk and seen is not None:
            current = (
                type(self.instance)
                ._default_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != seen:
                raise ValidationError(
                    _(
                        "Someone else saved this %(object)s after you opened it (it is now "
                        "at version %(current)s, you loaded version %(seen)s). Reload the page "
                        "and make your change again."
                    ),
                    code="stale",
                    params={
                        "object": self.instance._meta.verbose_name,
                        "current": current,
                        "seen": seen,
                    },
                )
        return cleaned


class VersionedAdminMixin:
    """Bump ``version`` when the admin changes the object, like every other edit does."""

    form = VersionedAdminForm

    def save_model(self, request, obj, form, change):
        if change and [name for name in form.changed_data if name != "seen_version"]:
            obj.version += 1
        super().save_model(request, obj, form, change)


# --- charter and sections ---------------------------------------------------------------------


class CharterSectionInline(admin.TabularInline):
    model = CharterSection
    fields = ("position", "slug", "title_en", "title_az", "title_ru")
    extra = 0
    show_change_link = True
    ordering = ("position",)


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    list_display = ("title_en", "slug", "signed_on", "signed_at", "roadmap_due")
    list_filter = ("signed_at",)
    search_fields = ("slug", "title_en", "title_az", "title_ru")
    list_select_related = ()  # no foreign keys
    date_hierarchy = "signed_on"
    ordering = ("-signed_on",)
    prepopulated_fields = {"slug": ("title_en",)}
    fieldsets = (
        (None, {"fields": ("slug", "signed_on", "signed_at", "roadmap_due")}),
        (_("Title"), {"fields": ("title_en", "title_az", "title_ru")}),
        (_("Summary"), {"fields": ("summary_en", "summary_az", "summary_ru")}),
    )
    inlines = (CharterSectionInline,)


class WorkingGroupInline(admin.TabularInline):
    model = WorkingGroup
    fields = ("position", "slug", "name_en", "name_az", "name_ru", "restricted")
    extra = 0
    show_change_link = True
    ordering = ("position", "slug")


@admin.register(CharterSection)
class CharterSectionAdmin(admin.ModelAdmin):
    list_display = ("title_en", "slug", "charter", "position", "group_count")
    list_filter = ("charter",)
    search_fields = ("slug", "title_en", "title_az", "title_ru")
    list_select_related = ("charter",)
    ordering = ("charter", "position")
    autocomplete_fields = ("charter",)
    prepopulated_fields = {"slug": ("title_en",)}
    fieldsets = (
        (None, {"fields": ("charter", "slug", "position")}),
        (_("Title"), {"fields": ("title_en", "title_az", "title_ru")}),
        (_("Summary"), {"fields": ("summary_en", "summary_az", "summary_ru")}),
    )
    inlines = (WorkingGroupInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_group_count=count_related(CharterSection, "groups"))
        )

    @admin.display(description=_("working groups"), ordering="_group_count")
    def group_count(self, obj) -> int:
        return obj._group_count or 0


# --- working groups and memberships ---------------------------------------------------------


class AnnouncesNewMembersMixin:
    """A membership added here is announced like one added in the app (``member_joined``),
    in the admin's transaction, so the new member is invited to the upcoming meetings."""

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Membership:
            for membership in formset.new_objects:
                send_member_joined(membership)


class MembershipAdminForm(forms.ModelForm):
    """A membership is on its user's side (on the user's page: the side being saved)."""

    class Meta:
        model = Membership
        fields = ("user", "group", "role", "side")

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user") or (self.instance.user if self.instance.user_id else None)
        side = cleaned.get("side")
        if user is not None and side and side != user.side:
            self.add_error("side", users_side_error(user))
        return cleaned


MembershipFormSet = one_per_parent_formset(
    OnePer(
        constraint="membership_one_cochair_per_side",
        fields=("side",),
        applies=lambda data: data.get("role") == Role.CO_CHAIR,
    ),
)


class MembershipInline(admin.TabularInline):
    """The group's members, on the working group page."""

    model = Membership
    form = MembershipAdminForm
    formset = MembershipFormSet
    fields = ("user", "role", "side", "joined_at")
    readonly_fields = ("joined_at",)
    autocomplete_fields = ("user",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "group")


def _cochair_name(side: str):
    return Subquery(
        Membership.objects.filter(group=OuterRef("pk"), role=Role.CO_CHAIR, side=side).values(
            "user__display_name"
        )[:1]
    )


def count_related(model, related_name: str) -> Subquery:
    """How many rows point at each row of ``model`` through the reverse relation
    ``related_name``, as a correlated subquery: one query for the whole page, and no
    join fan-out when several counts sit side by side.

    Resolved through the relation, so a lower floor can count a higher floor's rows
    without importing its models.
    """
    relation = model._meta.get_field(related_name)
    fk = relation.field.name
    return Subquery(
        relation.related_model._default_manager.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )


@admin.register(WorkingGroup)
class WorkingGroupAdmin(AnnouncesNewMembersMixin, admin.ModelAdmin):
    list_display = (
        "name_en",
        "slug",
        "section",
        "position",
        "restricted",
        "cochair_az",
        "cochair_us",
        "member_count",
        "milestone_count",
    )
    list_display_links = ("name_en", "slug")
    list_filter = ("restricted", "section")
    search_fields = ("slug", "name_en", "name_az", "name_ru")
    list_select_related = ("section",)
    ordering = ("position", "slug")
    autocomplete_fields = ("section",)
    prepopulated_fields = {"slug": ("name_en",)}
    fieldsets = (
        (None, {"fields": ("slug", "section", "position", "restricted")}),
        (_("Name"), {"fields": ("name_en", "name_az", "name_ru")}),
        (_("Description"), {"fields": ("description_en", "description_az", "description_ru")}),
    )
    inlines = (MembershipInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _member_count=count_related(WorkingGroup, "memberships"),
                _milestone_count=count_related(WorkingGroup, "milestones"),
                _cochair_az=_cochair_name(Side.AZ),
                _cochair_us=_cochair_name(Side.US),
            )
        )

    @admin.display(description=_("members"), ordering="_member_count")
    def member_count(self, obj) -> int:
        return obj._member_count or 0

    @admin.display(description=_("milestones"), ordering="_milestone_count")
    def milestone_count(self, obj) -> int:
        return obj._milestone_count or 0

    @admin.display(description=_("AZ co-chair"), ordering="_cochair_az", empty_value="—")
    def cochair_az(self, obj) -> str | None:
        return obj._cochair_az

    @admin.display(description=_("US co-chair"), ordering="_cochair_us", empty_value="—")
    def cochair_us(self, obj) -> str | None:
        return obj._cochair_us


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ("user", "group", "role", "side", "joined_at")
    list_filter = ("role", "side", "group")
    search_fields = (
        "user__email",
        "user__display_name",
        "user__organisation",
        "group__slug",
        "group__name_en",
    )
    list_select_related = ("user", "group")
    autocomplete_fields = ("user", "group")
    date_hierarchy = "joined_at"
    ordering = ("group__position", "group__slug", "side", "role", "user__display_name")
    fields = ("user", "group", "role", "side", "joined_at")
    readonly_fields = ("joined_at",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            send_member_joined(obj)


# --- the user admin, with the user's memberships ---------------------------------------------


class UserMembershipInline(admin.TabularInline):
    """The user's groups, on the user page."""

    model = Membership
    form = MembershipAdminForm
    fk_name = "user"
    fields = ("group", "role", "side", "joined_at")
    readonly_fields = ("joined_at",)
    autocomplete_fields = ("group",)
    extra = 0
    show_change_link = True
    verbose_name = _("working group membership")
    verbose_name_plural = _("working group memberships")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "group")


class UserWithMembershipsChangeForm(UserChangeForm):
    def clean_side(self) -> str:
        """The database refuses a side other than the one the user's memberships carry."""
        side = self.cleaned_data["side"]
        if self.instance.pk is None or side == self.instance.side:
            return side
        held = (
            Membership.objects.filter(user=self.instance)
            .exclude(side=side)
            .select_related("group")
            .order_by("group__position", "group__slug")
        )
        groups = [membership.group.name for membership in held]
        if groups:
            raise ValidationError(
                _(
                    "%(name)s is a member of %(groups)s for the %(side)s side. To move them "
                    "to another side, remove those memberships and save, change the side, "
                    "then add them again."
                ),
                code="users_side",
                params={
                    "name": self.instance.get_short_name(),
                    "groups": ", ".join(groups),
                    "side": Side(self.instance.side).label,
                },
            )
        return side


class UserWithMembershipsAdmin(AnnouncesNewMembersMixin, UserAdmin):
    form = UserWithMembershipsChangeForm
    inlines = (*UserAdmin.inlines, UserMembershipInline)
    list_display = (
        "email",
        "display_name",
        "side",
        "organisation",
        "sector",
        "language",
        "membership_count",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = (*UserAdmin.list_filter, "memberships__role", "working_groups")

    def get_inlines(self, request, obj):
        # The add page is the short email-and-password form; groups come after.
        return super().get_inlines(request, obj) if obj is not None else ()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_membership_count=count_related(User, "memberships"))
        )

    @admin.display(description=_("groups"), ordering="_membership_count")
    def membership_count(self, obj) -> int:
        return obj._membership_count or 0


admin.site.unregister(User)
admin.site.register(User, UserWithMembershipsAdmin)

"""The platform administrators' admin: congresses, accounts and memberships across tenants."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from congress.models import AuditEvent, Congress, Membership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "phone")}),
        (None, {"fields": ("password1", "password2")}),
    )
    list_display = ("username", "full_name", "phone", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "phone")
    ordering = ("username",)


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ("user",)
    extra = 1


@admin.register(Congress)
class CongressAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "slug", "region_code")
    prepopulated_fields = {}
    inlines = [MembershipInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log across congresses, to read only: nobody adds, changes or deletes a line."""

    list_display = ("created_at", "congress", "username", "action", "success", "ip_address")
    list_filter = ("action", "success")
    search_fields = ("username", "summary")
    # Counting a log of millions of rows for every page is not worth it.
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

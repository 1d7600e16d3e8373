"""Staff build the roster from Excel in a browser: a bad row blocks, a corrected file imports."""

from __future__ import annotations

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from congress.models import Role
from tests.deputies.test_import import XLSX, people, roster_file, roster_row
from tests.factories import DeputyGroupFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload_file(page: Page, content: bytes) -> None:
    page.locator("input[name=file]").set_input_files(
        {"name": "襄城区代表名册.xlsx", "mimeType": XLSX, "buffer": content}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="上传并检查").click()


def test_staff_preview_a_bad_file_then_import_a_corrected_one(desktop_page, tenant_a, sign_in):
    page = desktop_page
    with scopes_disabled():  # test setup
        DeputyGroupFactory(congress=tenant_a.congress, name="古城街道代表小组")
    rows = [roster_row(groups="古城街道代表小组"), *people(2)]
    rows[1][3] = "1975-13-45"  # 出生日期 of the deputy on row 3
    sign_in(page, tenant_a.user(Role.COMMITTEE_STAFF))
    page.goto(f"/c/{tenant_a.congress.slug}/deputies/import/")
    expect(page.get_by_role("heading", name="从 Excel 导入代表名册")).to_be_visible()
    expect(page.get_by_role("link", name="下载模板（.xlsx）")).to_be_visible()

    upload_file(page, roster_file(rows))

    expect(page).to_have_url(re.compile(r"/deputies/import/\d+/$"))
    bad_row = page.locator("tr[data-line='3']")
    expect(bad_row).to_contain_text(
        "第3行“出生日期”：“1975-13-45”不是有效日期，请写成 1975-03-08 这样的格式"
    )
    expect(bad_row).to_contain_text("有错误")
    expect(page.locator("tr[data-line='2']")).to_contain_text("新增")
    expect(page.get_by_role("alert").filter(has_text="1行有错误")).to_be_visible()
    expect(page.get_by_role("button", name="确认导入")).to_be_disabled()

    page.get_by_role("link", name="上传其他文件").click()
    rows[1][3] = "1975-12-15"
    upload_file(page, roster_file(rows))

    expect(page.locator(".import-counts")).to_contain_text("3 将新增")
    expect(page.locator("tr.import-row-error")).to_have_count(0)
    confirm = page.get_by_role("button", name="确认导入")
    expect(confirm).to_be_enabled()
    with page.expect_navigation():
        confirm.click()

    expect(page.locator(".message-success")).to_contain_text(
        "已导入：新增代表3名，更新0名，加入代表小组1人次。"
    )
    page.get_by_role("link", name="查看代表名册").click()
    expect(page).to_have_url(re.compile(rf"/c/{tenant_a.congress.slug}/deputies/$"))
    table = page.locator("#deputy-table")
    for row in rows:
        expect(table).to_contain_text(row[0])
    expect(table).to_contain_text("古城街道代表小组")
    # The import is listed, with who uploaded it.
    page.goto(f"/c/{tenant_a.congress.slug}/deputies/import/")
    history = page.locator("table").filter(has_text="襄城区代表名册.xlsx")
    expect(history.locator("tbody tr")).to_have_count(2)
    expect(history.locator("tbody tr").first).to_contain_text("已导入")

"""Create or refresh the demo congresses and their people (safe to run again)."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from congress import demo


class Command(BaseCommand):
    help = "创建演示数据（可重复运行）：两个常委会，每种角色各有一个账号。"

    def handle(self, *args, **options):
        logins = demo.seed()
        # Each app may add its own demo data in <app>/demo.py with a seed() function.
        for config in apps.get_app_configs():
            if config.name == "congress":
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            module.seed()
        self.stdout.write(
            self.style.SUCCESS(f"演示数据已就绪。登录账号（密码均为 {demo.DEMO_PASSWORD}）：")
        )
        width = max(len(row[2]) for row in logins)
        for congress, role, username, name in logins:
            self.stdout.write(f"  {username.ljust(width)}  {name}  {role}  {congress}")

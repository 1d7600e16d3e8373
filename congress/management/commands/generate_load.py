"""Generate a congress of any size for benchmarks and trials (congress/loadgen.py does the work)."""

from django.core.management.base import BaseCommand, CommandError

from congress import loadgen
from congress.errors import DomainError
from scoring.selectors import parse_quarter


class Command(BaseCommand):
    help = (
        "生成一个任意规模的模拟人大常委会（代表、小组、联络站、履职记录、建议、选民留言、"
        "已关闭并排名的季度），同一种子生成的数据相同。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--congress", required=True, help="新常委会的标识（不能已存在）")
        parser.add_argument("--deputies", type=int, required=True, help="代表人数")
        parser.add_argument("--years", type=int, required=True, help="生成几年的数据")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument(
            "--end-quarter", help="最后一个季度，如 2026Q3（默认本季度）；它之前的季度关闭并排名"
        )
        parser.add_argument("--name", help="常委会名称（默认按标识生成）")

    def handle(self, *args, **options):
        end_quarter = None
        if options["end_quarter"]:
            end_quarter = parse_quarter(options["end_quarter"])
            if end_quarter is None:
                raise CommandError(f"季度格式应为 2026Q3：{options['end_quarter']}")
        if options["deputies"] < 1 or options["years"] < 1:
            raise CommandError("代表人数和年数都至少为 1。")
        try:
            result = loadgen.generate(
                slug=options["congress"],
                deputies=options["deputies"],
                years=options["years"],
                seed=options["seed"],
                end_quarter=end_quarter,
                name=options["name"],
                stdout=self.stdout if options["verbosity"] > 1 else None,
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"已生成 {result['congress']}："))
        for kind, count in result["counts"].items():
            self.stdout.write(f"  {kind:<28}{count:>12,}")
        seconds = result["seconds"]
        steps = "，".join(
            f"{step} {value:.1f}" for step, value in seconds.items() if step != "total"
        )
        self.stdout.write(f"用时 {seconds['total']:.1f} 秒（{steps}）")

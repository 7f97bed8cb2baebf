"""The `loa` command: new, check, build, serve, schema, formats and web."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

from loa import __version__
from loa import model as m
from loa.build import PORTAL, PRESS_KIT, SOCIAL, build, check
from loa.config import load_settings
from loa.errors import CampaignError, Diagnostic, LoaError
from loa.executors import executor_for
from loa.renderers.base import available_renderers

if TYPE_CHECKING:
    from loa.publish import PlanRow

app = typer.Typer(
    name="loa",
    help="Loa: từ một nguồn nội dung chiến dịch đến mọi sản phẩm truyền thông và cổng thông tin.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)

CampaignArg = Annotated[
    Path | None,
    typer.Argument(help="Thư mục chiến dịch (mặc định: theo loa.yaml).", show_default=False),
]


def main() -> None:
    """Run the CLI; user errors print one clear message and exit 1, without a traceback."""
    try:
        app()
    except CampaignError as exc:
        _print_diagnostics(exc.diagnostics)
        console.print(f"[bold red]Có {len(exc.diagnostics)} lỗi — chưa ghi gì ra đĩa.[/]")
        sys.exit(1)
    except LoaError as exc:
        console.print(f"[bold red]Lỗi:[/] {escape(str(exc))}")
        sys.exit(1)


@app.command()
def new(folder: Annotated[Path, typer.Argument(help="Thư mục sẽ tạo cho chiến dịch mới.")]) -> None:
    """Tạo một chiến dịch mẫu; mọi trường đều có chú thích tiếng Việt."""
    if folder.exists() and any(folder.iterdir()):
        raise LoaError(f"{folder}: thư mục đã có tệp — chọn một thư mục mới hoặc trống")
    with as_file(files("loa") / "scaffold") as scaffold:
        shutil.copytree(scaffold, folder, dirs_exist_ok=True)
    out_console.print(
        f"Đã tạo chiến dịch mẫu ở [bold]{folder}[/]. Tiếp theo:\n"
        f"  loa check {folder}\n  loa build {folder} --out _site\n  loa serve _site"
    )


@app.command("check")
def check_command(
    campaign: CampaignArg = None,
    strict: Annotated[bool, typer.Option("--strict", help="Coi cảnh báo là lỗi.")] = False,
) -> None:
    """Kiểm tra và soát nội dung chiến dịch; báo lỗi kèm tệp, dòng và cách sửa."""
    settings = load_settings()
    source = campaign or settings.campaign
    loaded, warnings = check(source, strict=strict or settings.strict)
    _print_diagnostics(warnings)
    count = sum(len(q.questions) for q in loaded.quizzes)
    warned = len([w for w in warnings if w.severity == "warning"])
    out_console.print(
        f"[green]✓[/] {source}: {len(loaded.topics)} chủ đề, {len(loaded.audiences)} đối tượng, "
        f"{count} câu hỏi, {len(loaded.lessons)} giáo án; {warned} cảnh báo."
    )


class _Count(MofNCompleteColumn):
    """Counts a step as "12/86" while its size is known, and shows nothing for a step without one."""

    def render(self, task: Task) -> Text:
        return Text("") if task.total is None else super().render(task)


@app.command("build")
def build_command(
    campaign: CampaignArg = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Thư mục kết quả.")] = None,
    formats: Annotated[
        str | None,
        typer.Option("--formats", "-f", help="Các định dạng, cách nhau bởi dấu phẩy (xem: loa formats)."),
    ] = None,
    units: Annotated[
        Path | None,
        typer.Option(
            "--units", help="Tệp CSV các đơn vị nhận (mã, tên, logo, liên hệ) để tạo bộ đồng thương hiệu."
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Số tiến trình song song (0 = theo số lõi).")] = 0,
    strict: Annotated[bool, typer.Option("--strict", help="Coi cảnh báo là lỗi.")] = False,
) -> None:
    """Tạo mọi sản phẩm và cổng thông tin, ghi manifest.json (ghi nguyên khối: lỗi thì giữ bản cũ)."""
    settings = load_settings()
    chosen = [f.strip() for f in formats.split(",") if f.strip()] if formats else list(settings.formats)
    target = out or settings.out
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        _Count(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        refresh_per_second=4,
        disable=not console.is_terminal,  # nothing to redraw in a log: no drawing thread
    ) as bar:
        tasks = [bar.add_task("Đang tạo sản phẩm", total=None)]

        def progress(description: str, done: int, total: int | None) -> None:
            if total is None and bar.tasks[-1].total is not None:  # rich keeps a total once given
                bar.remove_task(tasks.pop())
                tasks.append(bar.add_task(description, total=None))
            bar.update(tasks[-1], completed=done, total=total, description=description)

        result = build(
            campaign or settings.campaign,
            out=target,
            formats=chosen or None,
            units=units,
            executor=executor_for(settings, workers=workers),
            strict=strict or settings.strict,
            progress=progress,
        )
    _print_diagnostics(result.warnings)
    if result.unchanged:
        out_console.print(
            f"[green]✓[/] không có gì thay đổi: {result.products} sản phẩm giữ nguyên → [bold]{result.out}[/]"
        )
        return
    composed = result.products - result.rendered - result.reused
    out_console.print(
        f"[green]✓[/] {result.products} sản phẩm ({result.rendered} tạo mới, {result.reused} giữ "
        f"nguyên, {composed} tổng hợp) → [bold]{result.out}[/] (manifest.json)"
    )


@app.command()
def serve(
    folder: Annotated[Path | None, typer.Argument(help="Thư mục đã build (mặc định: theo loa.yaml).")] = None,
    host: Annotated[str | None, typer.Option(help="Địa chỉ lắng nghe.")] = None,
    port: Annotated[int | None, typer.Option(help="Cổng (0 = tự chọn).")] = None,
) -> None:
    """Xem trước cổng thông tin trên máy này."""
    settings = load_settings()
    root = (folder or settings.out).resolve()
    if not (root / "index.html").is_file():
        raise LoaError(
            f"{root}: chưa có cổng thông tin — chạy trước: "
            f"loa build <chiến-dịch> --out {folder or settings.out}"
        )
    _serve_portal(root, host or settings.host, settings.port if port is None else port)


@app.command()
def up(
    campaign: CampaignArg = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Thư mục kết quả.")] = None,
    port: Annotated[int, typer.Option(help="Cổng của cổng thông tin.")] = 8000,
    web_port: Annotated[int, typer.Option(help="Cổng của ứng dụng theo dõi.")] = 8001,
    web: Annotated[bool, typer.Option(help="Dựng cả ứng dụng theo dõi (Django) với dữ liệu mẫu.")] = True,
) -> None:
    """Việc chính: tạo mọi sản phẩm, dựng ứng dụng theo dõi với dữ liệu mẫu, mở cổng thông tin."""
    settings = load_settings()
    target = (out or settings.out).resolve()
    build_command(campaign, out=target, formats=None, units=None, workers=0, strict=False)
    child = _start_web(target, web_port) if web else None
    try:
        _serve_portal(target, settings.host, port)
    finally:
        if child is not None:
            child.terminate()
            child.wait(timeout=10)


def _start_web(pack: Path, port: int) -> subprocess.Popen[bytes] | None:
    """Load the demo data (once) and start the tracking app on loopback; None without Django."""
    if importlib.util.find_spec("django") is None:
        out_console.print("Bỏ qua ứng dụng theo dõi: chưa cài (pip install 'loa[web]').")
        return None
    command, env = _django("demo", "--pack", str(pack), "--no-next-step")
    subprocess.run(command, env=env, check=True)
    command, env = _django("runserver", f"127.0.0.1:{port}", "--noreload", "--insecure")
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out_console.print(f"Ứng dụng theo dõi đang chạy tại [bold]http://127.0.0.1:{port}/[/]", soft_wrap=True)
    return child


def _django(*args: str) -> tuple[list[str], dict[str, str]]:
    """Return the command and environment that run a Django management command out of process."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "loa.web.settings"),
    }
    return [sys.executable, "-m", "django", *args], env


def _serve_portal(root: Path, host: str, port: int) -> None:
    from loa.site.serve import portal_server  # http.server loads only to serve

    with portal_server(root, host, port) as server:
        bound_host, bound_port = server.server_address[:2]
        address = f"http://{bound_host!s}:{bound_port}/"
        out_console.print(
            f"Cổng thông tin đang chạy tại [bold]{address}[/] — nhấn Ctrl+C để dừng.",
            soft_wrap=True,
        )
        sys.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            out_console.print("Đã dừng.")


@app.command()
def schema(
    out: Annotated[Path, typer.Option("--out", help="Thư mục ghi JSON Schema.")] = Path("docs/schema"),
) -> None:
    """Ghi JSON Schema của campaign.yaml, phần khai báo chủ đề và tệp câu đố (để trình soạn thảo gợi ý)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, model in (
        ("campaign", m.CampaignSource),
        ("topic", m.TopicMeta),
        ("quiz", m.QuizSource),
        ("lesson", m.LessonSource),
    ):
        schema_data = model.model_json_schema()
        schema_data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        (out / f"{name}.schema.json").write_text(
            json.dumps(schema_data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    out_console.print(f"[green]✓[/] JSON Schema → {out}")


@app.command()
def formats() -> None:
    """Liệt kê các định dạng có thể tạo."""
    for name, cls in available_renderers().items():
        out_console.print(f"{name:16} {cls.kind:10} {cls.format}")
    for stage, kind, fmt in (
        (SOCIAL, "social", "txt, json"),
        (PRESS_KIT, "press-kit", "zip"),
        (PORTAL, "site", "html"),
    ):
        out_console.print(f"{stage:16} {kind:10} {fmt}")


@app.command("publish")
def publish_command(
    site: Annotated[Path, typer.Argument(help="Thư mục đã build (có manifest.json).")],
    channels: Annotated[
        str, typer.Option("--channels", help="Các kênh: facebook, zalo, webhook.")
    ] = "facebook,zalo",
    plan: Annotated[
        bool, typer.Option("--plan", help="Chỉ liệt kê sẽ đăng gì, ở đâu, khi nào (mặc định).")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Đăng thật (không có --yes thì chỉ chạy thử).")] = False,
    schedule: Annotated[
        str | None, typer.Option("--schedule", help="Hẹn giờ, ví dụ 2026-06-01T09:00+07:00.")
    ] = None,
    calendar: Annotated[
        Path | None, typer.Option("--calendar", help="Lịch đăng YAML: danh sách at + topic.")
    ] = None,
    broadcast: Annotated[
        bool, typer.Option("--broadcast", help="Gửi thêm tin truyền thông Zalo với các bài Zalo đã đăng.")
    ] = False,
    provinces: Annotated[
        str, typer.Option("--provinces", help="Tin truyền thông Zalo: mã tỉnh 2025 nhận tin, ví dụ 80,79.")
    ] = "",
) -> None:
    """Đăng bài lên Trang Facebook, Zalo OA, webhook theo kế hoạch; mặc định chỉ chạy thử."""
    from rich.table import Table

    from loa.publish import Broadcast, run  # the network code loads only when publishing

    names = [c.strip() for c in channels.split(",") if c.strip()]
    send = yes and not plan
    codes = tuple(c.strip() for c in provinces.split(",") if c.strip())
    wanted = Broadcast(provinces=codes) if broadcast else None
    settings = load_settings()
    if send and settings.executor == "celery":
        rows = _publish_on_workers(site, names, schedule, calendar, codes if broadcast else None)
    else:
        rows = run(site, channels=names, send=send, schedule=schedule, calendar=calendar, broadcast=wanted)
    table = Table("kênh", "chủ đề", "loại", "thời điểm", "hẹn giờ", "trạng thái", "khóa", "mã trên nền tảng")
    for r in rows:
        table.add_row(r.channel, r.topic, r.kind, r.when, r.scheduling, r.state, r.key, r.upstream_id)
    out_console.print(table)
    if not send:
        out_console.print(f"Chạy thử: {len(rows)} bài, chưa gửi gì. Thêm --yes để đăng.")
        return
    stuck = [r for r in rows if r.state in ("failed", "unknown")]
    waiting = sum(r.state == "planned" for r in rows)
    out_console.print(f"[green]✓[/] {sum(r.state == 'sent' for r in rows)} đã đăng, {waiting} chờ đến giờ.")
    if stuck:
        raise LoaError(
            f"{len(stuck)} bài chưa đăng được: "
            + "; ".join(f"{r.channel} {r.topic} ({r.state}: {r.error})" for r in stuck)
            + " — sửa lỗi rồi chạy lại lệnh; bài 'unknown' được đối soát trước khi gửi lại"
        )


@app.command("rotate-key")
def rotate_key_command() -> None:
    """Mã hóa lại mọi token đã lưu bằng khóa mới (LOA_SECRET_KEY=khóa-mới,khóa-cũ)."""
    from loa.publish import rotate_key

    done, total = rotate_key()
    out_console.print(f"[green]✓[/] đã mã hóa lại {done}/{total} token bằng khóa mới.")
    if done != total:
        raise LoaError(f"{total - done} token chưa mã hóa lại được — kiểm tra LOA_SECRET_KEY")


def _publish_on_workers(
    site: Path,
    channels: list[str],
    schedule: str | None,
    calendar: Path | None,
    provinces: tuple[str, ...] | None,
) -> list[PlanRow]:
    """Publish on a Celery worker, whose environment holds the tokens; its outbox never posts twice."""
    from loa.cluster.executor import CeleryExecutor
    from loa.publish import PlanRow

    on_workers = CeleryExecutor(load_settings())
    rows = on_workers.publish(
        site, channels=channels, schedule=schedule, calendar=calendar, provinces=provinces
    )
    return [PlanRow(**row) for row in rows]


@app.command()
def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", help="Số việc chạy cùng lúc (0 = theo số lõi).")
    ] = 0,
    beat: Annotated[
        bool, typer.Option("--beat", help="Kiêm gửi thư nhắc báo cáo hằng ngày (chỉ một worker bật).")
    ] = False,
) -> None:
    """Chạy một worker Celery nhận việc tạo sản phẩm và đăng bài (LOA_EXECUTOR=celery, LOA_BROKER_URL)."""
    from loa.executors import CLUSTER_MISSING, default_workers

    try:
        from loa.cluster.worker import run_worker  # Celery loads only for this command
    except ImportError:
        raise LoaError(CLUSTER_MISSING) from None
    settings = load_settings()
    run_worker(settings, concurrency=concurrency or settings.workers or default_workers(), beat=beat)


@app.command(
    "web",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
def web(ctx: typer.Context) -> None:
    """Ứng dụng theo dõi (Django): loa web demo, loa web runserver, loa web migrate, loa web serve…"""
    # Django runs in its own process (`python -m django`, i.e. execute_from_command_line): the core
    # never imports Django, and works without the optional web extra.
    if importlib.util.find_spec("django") is None:
        raise LoaError("chưa cài ứng dụng web — cài bằng: pip install 'loa[web]'")
    if ctx.args[:1] == ["serve"]:
        _serve_web(ctx.args[1:])
    command, env = _django(*ctx.args)
    with subprocess.Popen(command, env=env) as child:
        try:
            code = child.wait()
        except KeyboardInterrupt:  # Ctrl+C reached Django too; let it finish stopping
            code = child.wait()
    raise typer.Exit(code)


def _serve_web(gunicorn_args: list[str]) -> None:
    """`loa web serve [gunicorn options]`: collect static files, then become gunicorn (production)."""
    if importlib.util.find_spec("gunicorn") is None:
        raise LoaError("chưa cài gunicorn — cài bằng: pip install 'loa[web,cluster]'")
    command, env = _django("collectstatic", "--noinput", "--verbosity", "0")
    env["LOA_STATIC_MANIFEST"] = "1"  # hashed, compressed names, cached for a year by browsers
    if subprocess.run(command, env=env).returncode != 0:
        raise LoaError("collectstatic thất bại — xem lỗi ở trên (LOA_DATA_DIR có ghi được không?)")
    # exec, not a child: the service manager's signals reach gunicorn's master directly.
    config = ["-c", "python:loa.web.gunicorn_conf"]
    command = [sys.executable, "-m", "gunicorn", *config, *gunicorn_args, "loa.web.wsgi"]
    os.execvpe(sys.executable, command, env)


@app.callback(invoke_without_command=True)
def _version(
    version: Annotated[bool, typer.Option("--version", help="In phiên bản.")] = False,
) -> None:
    if version:
        out_console.print(f"loa {__version__}")
        raise typer.Exit()


def _print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        colour = {"error": "red", "warning": "yellow"}.get(d.severity, "cyan")
        label = {"error": "lỗi", "warning": "cảnh báo"}.get(d.severity, "ghi chú")
        console.print(f"[{colour}]{label}:[/] ", end="")
        console.print(str(d), markup=False, soft_wrap=True)

"""The site as a wheel: built from the checkout, installed into a new virtual
environment from the run lock, and run from a folder outside the checkout the
way an operator would (check, migrate, seed_content, collectstatic, gunicorn).

Slow (a minute or two, mostly pip); `pytest -m package` runs these alone and
`-m "not package"` leaves them out. pip needs the package index (or its cache).
"""

import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.live_site import free_port

pytestmark = pytest.mark.package

REPO_ROOT = Path(__file__).resolve().parents[2]
APPS = ("niromp_site", "pages", "comments", "search")
# Kept at the top of the checkout, shipped inside the niromp_site package.
SHIPPED_FOLDERS = ("templates", "static", "fixtures")


def run(command: list, *, cwd: Path, env: dict | None = None, timeout: int = 300) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def tracked_files() -> list[str]:
    listing = run(["git", "ls-files", "-z"], cwd=REPO_ROOT)
    return [name for name in listing.split("\0") if name]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, REPO_ROOT],
        cwd=dist,
    )
    (built,) = dist.glob("niromp_site-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    """A new virtual environment holding the run lock's packages and the wheel."""
    venv = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--clear", "--without-pip", venv], cwd=venv)
    pip = [sys.executable, "-m", "pip", "--python", venv / "bin" / "python"]
    run(
        [*pip, "install", "--quiet", "--require-hashes", "-r", "requirements/run.lock"],
        cwd=REPO_ROOT,
        timeout=600,
    )
    run([*pip, "install", "--quiet", "--no-deps", wheel], cwd=venv)
    # The lock holds everything the wheel asks for.
    run([*pip, "check"], cwd=venv)
    return venv


def test_wheel_holds_every_module_template_static_file_and_fixture(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    tracked = tracked_files()
    app_files = [name for name in tracked if name.startswith(tuple(f"{app}/" for app in APPS))]
    shipped = [
        f"niromp_site/{name}"
        for name in tracked
        if name.startswith(tuple(f"{folder}/" for folder in SHIPPED_FOLDERS))
    ]
    # The lists this checks against are not empty by accident.
    for part in ("/migrations/", "/management/commands/", "/templatetags/"):
        assert any(part in name for name in app_files), part
    assert len(shipped) >= 20

    assert sorted(set(app_files) - names) == []
    assert sorted(set(shipped) - names) == []


def test_wheel_leaves_out_the_tests_and_caches(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert [name for name in names if name.startswith("tests/")] == []
    assert [name for name in names if "__pycache__" in name or name.endswith(".pyc")] == []


def test_wheel_installs_the_niromp_site_command(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (entry_points,) = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
        text = archive.read(entry_points).decode()
    assert "niromp-site = niromp_site.__main__:main" in text


def test_installed_site_sets_up_and_serves_from_a_folder_outside_the_checkout(venv, tmp_path):
    bin_dir = venv / "bin"
    site_dir = tmp_path / "site"
    (site_dir / "var").mkdir(parents=True)
    # The installed settings read var/secret_key from the folder they run in,
    # as they do in a checkout.
    (site_dir / "var" / "secret_key").write_text("package-test-only-not-a-secret\n")
    # Nothing from this test run (tests.settings, a PostgreSQL DATABASE_URL, the
    # checkout on PYTHONPATH): only what an operator's shell would have.
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    site_packages = next(venv.glob("lib/python3.*/site-packages"))

    imported = run(
        [
            bin_dir / "python",
            "-c",
            "import niromp_site, pages, comments; print(niromp_site.__file__)",
        ],
        cwd=site_dir,
        env=env,
    )
    assert Path(imported.strip()).is_relative_to(site_packages)

    niromp_site = bin_dir / "niromp-site"
    run([niromp_site, "check"], cwd=site_dir, env=env)
    run([niromp_site, "migrate", "--no-input"], cwd=site_dir, env=env)
    assert "Seed content loaded" in run([niromp_site, "seed_content"], cwd=site_dir, env=env)
    run([niromp_site, "collectstatic", "--no-input"], cwd=site_dir, env=env)

    # What the site writes lands in the folder it runs from, not in site-packages.
    assert (site_dir / "db.sqlite3").is_file()
    assert (site_dir / "staticfiles" / "staticfiles.json").is_file()
    assert list(site_packages.glob("niromp_site/*.sqlite3")) == []
    assert not (site_packages / "staticfiles").exists()

    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [
                bin_dir / "gunicorn",
                "niromp_site.wsgi",
                *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"),
            ],
            cwd=site_dir,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        home = get_when_up(f"http://127.0.0.1:{port}/", server, log)
        assert home.status_code == 200, log.read_text()
        assert first_words_of_seeded_home_page() in " ".join(
            re.sub(r"<[^>]+>", " ", home.text).split()
        )

        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', home.text)
        assert stylesheet, "the home page links no hashed stylesheet"
        css = httpx.get(f"http://127.0.0.1:{port}{stylesheet[1]}", timeout=10)
        assert css.status_code == 200
        assert css.headers["content-type"].startswith("text/css")
        first_line = (REPO_ROOT / "static" / "css" / "site.css").read_text().splitlines()[0]
        assert first_line in css.text
    finally:
        server.terminate()
        server.wait(timeout=15)


def first_words_of_seeded_home_page() -> str:
    pages = json.loads((REPO_ROOT / "fixtures" / "pages.json").read_text())
    (home,) = [page for page in pages if page["fields"]["slug"] == "home"]
    text = " ".join(re.sub(r"<[^>]+>", " ", home["fields"]["body"]).split())
    return text[:40]


def get_when_up(url: str, server: subprocess.Popen, log: Path) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        assert server.poll() is None, f"gunicorn exited:\n{log.read_text()}"
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"gunicorn did not answer:\n{log.read_text()}"
            time.sleep(0.2)


def test_run_lock_pins_the_same_versions_as_the_dev_lock():
    def pins(path: Path) -> dict[str, str]:
        found = re.findall(r"^([a-z0-9][a-z0-9._-]*)==([^\s;\\]+)", path.read_text(), re.M)
        return dict(found)

    run_pins = pins(REPO_ROOT / "requirements" / "run.lock")
    dev_pins = pins(REPO_ROOT / "requirements" / "dev.lock")
    assert "django" in run_pins
    assert {name: dev_pins.get(name) for name in run_pins} == run_pins

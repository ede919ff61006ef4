#!/usr/bin/env python3
"""The remote in a real browser (headless Chromium through Selenium) against
a real box: `stretchcue serve` playing into the PulseAudio null sink, and
`stretchcue remote` in front of it, each with a private socket and config.

Pairs, starts a routine held 10 s, checks that the page shows a pose change
within 1 s of the box's (the box's own `ctl watch` timed against a
MutationObserver in the page), pauses, moves on, stops, with the box's
`ctl status` saying each happened; checks every control has an accessible
name (Chrome's accessibility tree), the live region, and 44x44 CSS px
targets; checks the no-JavaScript forms; saves screenshots at 390x844 and
1280x800. Run by Tests/Remote/run.sh, which starts the private PulseAudio.

usage: browser_test.py BINARY SCREENSHOT_FOLDER
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BINARY, SHOTS = sys.argv[1], sys.argv[2]
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


folder = tempfile.mkdtemp(prefix="stretchcue-remote-browser-")
port = free_port()
sock = folder + "/box.sock"
with open(folder + "/config.yaml", "w") as config:
    config.write(f"""device: pulse
lead_in_ms: 500
socket: {sock}
state_folder: {folder}/state
routines: [{folder}/routines]
remote: {{listen: "127.0.0.1:{port}"}}
""")
os.makedirs(folder + "/routines")
with open(folder + "/routines/three.yaml", "w") as routine:
    routine.write("""name: Three
hold: 30
settle: 0.5
rest: 0.5
poses:
  - id: one
    name: One
    prompt: side.left
  - id: two
    name: Two
    prompt: side.right
  - id: three
    name: Three
    prompt: side.left
""")
env = dict(os.environ, XDG_STATE_HOME=folder + "/remote-state", HOME=folder)
config = ["--config", folder + "/config.yaml"]


def ctl(*words):
    out = subprocess.run([BINARY, "ctl", *words, "--json", *config], env=env, capture_output=True, text=True, timeout=10)
    return json.loads(out.stdout)["status"] if out.returncode == 0 else None


def wait_for(condition, limit, what):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    check(False, what + f" within {limit} s")
    return None


box = subprocess.Popen([BINARY, "serve", *config], env=env, stdout=open(folder + "/serve.log", "w"), stderr=subprocess.STDOUT)
remote = subprocess.Popen([BINARY, "remote", *config], env=env, stdout=open(folder + "/remote.log", "w"), stderr=subprocess.STDOUT)
driver = None
watcher = None
try:
    wait_for(lambda: ctl("status"), 20, "the box answers")
    wait_for(lambda: "listening" in open(folder + "/remote.log").read(), 10, "the remote listens")
    paired = subprocess.run([BINARY, "remote", "--pair", *config], env=env, capture_output=True, text=True, timeout=10).stdout
    secret = paired.split("Pairing secret: ")[1].split()[0]
    check(secret in open(folder + "/remote.log").read(), "the log gives the secret --pair shows")

    # The box's own changes, timed as they come.
    changes = []
    watcher = subprocess.Popen([BINARY, "ctl", "watch", "--json", *config], env=env, stdout=subprocess.PIPE, text=True)

    def follow():
        for line in watcher.stdout:
            status = json.loads(line).get("status") or {}
            changes.append((time.time(), status.get("state"), status.get("pose"), status.get("side")))

    threading.Thread(target=follow, daemon=True).start()

    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    base = f"http://127.0.0.1:{port}/"

    # Unpaired: the pairing form, and nothing else.
    driver.get(base)
    check(driver.find_element(By.ID, "code") is not None, "unpaired, the page asks for the pairing secret")
    driver.find_element(By.ID, "code").send_keys(secret)
    driver.find_element(By.CSS_SELECTOR, "form[action='/pair'] button").click()
    wait_for(lambda: driver.find_elements(By.ID, "do-stop"), 5, "paired, the remote shows its controls")
    cookie = driver.get_cookie("stretchcue_pair")
    check(cookie is not None and cookie["httpOnly"] and cookie.get("sameSite") == "Strict", f"the cookie is HttpOnly, SameSite=Strict: {cookie}")

    # Start the routine (written with 30 s holds) held 10 s, chosen by name.
    names = [option.text for option in Select(driver.find_element(By.ID, "routine")).options]
    check("back-tension" in names and "three" in names, f"built-in and folder routines offered by name: {names}")
    Select(driver.find_element(By.ID, "routine")).select_by_visible_text("three")
    driver.find_element(By.TAG_NAME, "summary").click()
    driver.find_element(By.ID, "hold-seconds").send_keys("10")
    driver.find_element(By.CSS_SELECTOR, "button[value='start']").click()
    wait_for(lambda: (ctl("status") or {}).get("state") == "playing", 20, "the box plays after Start")
    wait_for(lambda: (ctl("status") or {}).get("pose") == 1, 10, "the box reaches pose 1")
    first = ctl("status")
    check(first["hold_end"] - first["hold_start"] == 10, f"the box holds 10 s, as chosen on the page: {first}")
    wait_for(lambda: driver.find_element(By.ID, "pose").text.startswith("Pose 1 of 3"), 1, "the page shows pose 1 of 3")

    # The next pose: when the box says so, and when the page shows it.
    driver.execute_script("""
        window.poseSeen = {};
        new MutationObserver(() => { const t = document.getElementById('pose').textContent;
          if (!(t in window.poseSeen)) window.poseSeen[t] = Date.now() / 1000; })
          .observe(document.getElementById('pose'), {childList: true, characterData: true, subtree: true});""")
    box_time = wait_for(lambda: next((c[0] for c in changes if c[1] == "playing" and c[2] == 2), None), 20, "the box reaches pose 2")
    page_time = wait_for(
        lambda: next((t for text, t in driver.execute_script("return window.poseSeen").items() if text.startswith("Pose 2 of 3")), None),
        3, "the page shows pose 2")
    if box_time and page_time:
        check(page_time - box_time < 1.0, f"the page showed pose 2 {1000 * (page_time - box_time):.0f} ms after the box got there")
    # Into the hold, where the bar moves, for the picture.
    wait_for(lambda: int(driver.find_element(By.ID, "hold").get_attribute("value") or 0) > 300, 15, "the hold's bar moves")
    driver.execute_script("window.scrollTo(0, 0)")  # the top: where the session is, for the picture
    driver.save_screenshot(SHOTS + "/remote-phone.png")

    # Pause, resume, next, stop: each is what the box then says.
    driver.find_element(By.ID, "do-pause").click()
    check(wait_for(lambda: (ctl("status") or {}).get("state") == "paused", 3, "the box pauses") is not None, "Pause pauses the box")
    wait_for(lambda: driver.find_element(By.ID, "do-resume").is_displayed(), 2, "the page offers Resume")
    driver.find_element(By.ID, "do-resume").click()
    wait_for(lambda: (ctl("status") or {}).get("state") == "playing", 3, "the box resumes")
    before = ctl("status")["pose"]
    driver.find_element(By.ID, "do-next").click()
    check(wait_for(lambda: (ctl("status") or {}).get("pose") == before + 1, 3, "Next moves the box") is not None, f"Next: pose {before} to {before + 1}")

    # Breathing tones off, and on again: the toggle says which.
    check(driver.find_element(By.ID, "do-breath").get_attribute("aria-pressed") == "true", "breathing tones shown on")
    driver.find_element(By.ID, "do-breath").click()
    check(wait_for(lambda: (ctl("status") or {}).get("breath") is False, 3, "the box's tones go off") is not None, "Breathing tones turns them off")
    wait_for(lambda: driver.find_element(By.ID, "do-breath").get_attribute("aria-pressed") == "false", 2, "the toggle shows them off")
    driver.find_element(By.ID, "do-breath").click()
    wait_for(lambda: (ctl("status") or {}).get("breath") is True, 3, "the box's tones come back")

    # Accessibility: names, the live region, target sizes.
    driver.execute_cdp_cmd("Accessibility.enable", {})
    tree = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    interactive = {"button", "combobox", "textbox", "link", "checkbox", "radio", "slider", "spinbutton", "listbox"}
    controls = [n for n in tree if not n.get("ignored") and n.get("role", {}).get("value") in interactive]
    unnamed = [n.get("role", {}).get("value") for n in controls if not (n.get("name", {}).get("value") or "").strip()]
    check(len(controls) >= 14 and not unnamed, f"{len(controls)} controls in the accessibility tree, unnamed: {unnamed}")
    live = driver.find_element(By.ID, "pose")
    check(live.get_attribute("aria-live") == "polite", "the pose is a polite live region")
    small = driver.execute_script("""
        return [...document.querySelectorAll('button, select, input:not([type=hidden]), a')]
          .filter(e => e.offsetParent !== null)
          .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect()])
          .filter(([_, r]) => r.width < 44 || r.height < 44).map(([n, r]) => n + ' ' + r.width + 'x' + r.height);""")
    check(not small, f"every control at least 44x44 CSS px: {small}")
    focusable = driver.execute_script("""
        return [...document.querySelectorAll('button, select, input:not([type=hidden])')].filter(e => e.offsetParent !== null && e.tabIndex < 0).length;""")
    check(focusable == 0, "every control is reached by the keyboard (Tab)")

    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.3)  # a screenshot only: the layout settles after the resize
    driver.save_screenshot(SHOTS + "/remote-laptop.png")

    driver.find_element(By.ID, "do-stop").click()
    check(wait_for(lambda: (ctl("status") or {}).get("state") == "idle", 5, "Stop stops the box") is not None, "Stop stops the box")
    driver.get(base)
    sessions = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby='history-heading']").text
    check(": Three, " in sessions and "stopped" in sessions, f"the session is in the last sessions: {sessions!r}")

    # With JavaScript off, the same buttons are forms that POST.
    driver.quit()
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.get(base + "?code=" + secret)
    driver.find_element(By.CSS_SELECTOR, "form[action='/pair'] button").click()
    # The click posts the form and returns before the paired page has come.
    try:
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "routine"))
    except Exception:
        check(False, "without JavaScript, pairing shows the start form: " + driver.find_element(By.TAG_NAME, "body").text[:300])
    Select(driver.find_element(By.ID, "routine")).select_by_visible_text("three")
    driver.find_element(By.CSS_SELECTOR, "button[value='start']").click()
    check(wait_for(lambda: (ctl("status") or {}).get("state") == "playing", 20, "no JS: Start") is not None, "without JavaScript, Start starts the box")
    driver.find_element(By.ID, "do-stop").click()
    check(wait_for(lambda: (ctl("status") or {}).get("state") == "idle", 5, "no JS: Stop") is not None, "without JavaScript, Stop stops it")
finally:
    if driver:
        driver.quit()
    for process in [watcher, remote, box]:
        if process:
            process.terminate()
            process.wait(10)

if failures:
    for log in ["serve.log", "remote.log"]:
        print(f"--- {log} (last lines)\n" + "".join(open(f"{folder}/{log}").readlines()[-15:]))
print(f"{len(failures)} failure(s)" if failures else "all passed")
sys.exit(1 if failures else 0)

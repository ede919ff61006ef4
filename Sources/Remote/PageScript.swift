extension Page {
    /// /remote.js: sends the page's forms without leaving it, and follows
    /// the box's status from /events. The pose is announced (the live
    /// region) only when it changes; the hold's bar and the time left run
    /// on from the last status while playing.
    public static let script = #"""
        "use strict";
        (function () {
          const $ = (id) => document.getElementById(id);
          let status = null, since = 0, lastPose = $("pose").textContent;
          const clock = (s) => { s = Math.max(0, Math.ceil(s)); return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0"); };
          function poseLine(s) {
            if (!s || (s.state !== "playing" && s.state !== "paused") || s.pose == null) return "";
            return "Pose " + s.pose + " of " + s.poses + (s.name ? ": " + s.name : "") + (s.side ? ", " + s.side : "");
          }
          function stateLine(s) {
            if (!s) return "The box does not answer.";
            if (s.state === "idle") return "Idle: nothing playing.";
            if (s.state === "waiting") return "Waiting for the sound device.";
            return s.state.charAt(0).toUpperCase() + s.state.slice(1) + " " + (s.routine || "");
          }
          function tick() {
            const s = status;
            const at = s && s.position != null ? s.position + (s.state === "playing" ? (performance.now() - since) / 1000 : 0) : null;
            const inHold = at != null && s.hold_start != null && s.hold_end > s.hold_start && at >= s.hold_start;
            $("hold").value = inHold ? Math.min(1000, Math.round(1000 * (at - s.hold_start) / (s.hold_end - s.hold_start))) : 0;
            $("hold-left").textContent = inHold ? clock(s.hold_end - at) : "";
            $("left").textContent = s && s.remaining != null ? "Time left: " + clock(s.remaining - (at - s.position)) : "";
          }
          function show(s) {
            status = s; since = performance.now();
            $("state").textContent = stateLine(s);
            const line = poseLine(s);
            if (line !== lastPose) { $("pose").textContent = line; lastPose = line; }
            const paused = !!s && s.state === "paused";
            $("do-pause").hidden = paused; $("do-resume").hidden = !paused;
            $("do-breath").setAttribute("aria-pressed", s && s.breath === false ? "false" : "true");
            tick();
          }
          setInterval(tick, 250);
          new EventSource("/events").onmessage = (e) => show(JSON.parse(e.data));
          for (const form of document.querySelectorAll("form[action='/do']")) {
            form.addEventListener("submit", async (e) => {
              e.preventDefault();
              const body = new URLSearchParams(new FormData(form, e.submitter));
              $("problem").textContent = "";
              try {
                const reply = await fetch("/do", { method: "POST", body, headers: { "Accept": "application/json" } });
                const answer = await reply.json();
                // The status comes by /events, in order; this reply may be older than the last event.
                if (!answer.ok) $("problem").textContent = answer.error || "The box refused.";
              } catch (error) { $("problem").textContent = "The remote does not answer."; }
            });
          }
        })();

        """#
}

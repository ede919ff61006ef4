extension Page {
    /// /style.css: one column on a phone, two on a laptop; every control at least 44×44 CSS pixels.
    public static let style = """
        :root { color-scheme: light dark; font-family: system-ui, sans-serif; font-size: 18px; }
        body { margin: 0; }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem; display: grid; gap: 1rem; }
        h1 { margin: 0; font-size: 1.5rem; }
        h2 { margin: 0 0 .5rem; font-size: 1.2rem; }
        p { margin: .25rem 0; }
        .problem:empty { display: none; }
        .problem { color: #b00020; font-weight: bold; }
        #pose { font-size: 1.3rem; font-weight: bold; min-height: 1.5em; }
        .hold { display: flex; align-items: center; gap: .5rem; }
        progress { flex: 1; height: 1.2rem; }
        .controls { display: grid; grid-template-columns: repeat(2, 1fr); gap: .5rem; }
        button, select, input { font: inherit; min-height: 44px; min-width: 44px; box-sizing: border-box; }
        button { padding: .5rem 1rem; border-radius: .5rem; border: 1px solid currentColor; cursor: pointer; }
        button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
        button[hidden] { display: none; }
        button[aria-pressed="true"] { background: #1a73e8; color: #fff; border-color: #1a73e8; }
        #do-pause, #do-resume, #do-stop { grid-column: span 2; }
        .start, .start details { display: grid; gap: .5rem; }
        summary { min-height: 44px; display: flex; align-items: center; cursor: pointer; }
        form label { font-weight: bold; }
        .history { padding-left: 1.5rem; margin: 0; }
        @media (min-width: 48rem) {
          main { grid-template-columns: 1fr 1fr; align-items: start; }
          main > h1, main > .problem { grid-column: span 2; }
          .controls { grid-template-columns: repeat(4, 1fr); }
          #do-pause, #do-resume, #do-stop { grid-column: span 4; }
        }

        """
}

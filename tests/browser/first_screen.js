// first_screen.js URL CHROMIUM [RUNS] - loads a report in headless Chromium
// (puppeteer-core) RUNS times (default 3), each in a fresh browser context
// with a 1400x900 viewport, and prints one JSON line per load with the
// page's own timings in ms from navigation start: fcp (first contentful
// paint), lcp (largest contentful paint: the first screen's biggest
// element drawn), dcl (DOMContentLoaded: the whole page parsed), load,
// glance (the top of the "At a glance" section, which must be inside the
// first screen) and bytes (the page's size).
// Exit 1 on a script error, a CSP violation or a missing glance section.
'use strict';
const puppeteer = require('puppeteer-core');

(async () => {
	const [url, chrome, runsArg] = process.argv.slice(2);
	const runs = Number(runsArg || 3);
	const browser = await puppeteer.launch({
		executablePath: chrome,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run',
		       '--disable-background-networking', '--disable-sync',
		       '--disable-component-update'],
	});
	let bad = 0;
	try {
		for (let i = 0; i < runs; i++) {
			const ctx = await browser.createBrowserContext();
			const page = await ctx.newPage();
			await page.setViewport({ width: 1400, height: 900 });
			const errors = [];
			page.on('pageerror', (e) => errors.push(String(e)));
			page.on('console', (m) => {
				if (m.type() === 'error') errors.push(m.text());
			});
			await page.evaluateOnNewDocument(() => {
				window.__lcp = 0;
				new PerformanceObserver((l) => {
					for (const e of l.getEntries())
						window.__lcp = e.startTime;
				}).observe({ type: 'largest-contentful-paint', buffered: true });
			});
			await page.goto(url, { waitUntil: 'load', timeout: 120000 });
			const t = await page.evaluate(() => new Promise((res) => {
				requestAnimationFrame(() => setTimeout(() => {
					const nav = performance.getEntriesByType('navigation')[0];
					const fcp = performance.getEntriesByName('first-contentful-paint')[0];
					const g = document.getElementById('glance');
					res({
						fcp: fcp ? Math.round(fcp.startTime) : -1,
						lcp: Math.round(window.__lcp),
						dcl: Math.round(nav.domContentLoadedEventEnd),
						load: Math.round(nav.loadEventEnd),
						glance: g ? Math.round(g.getBoundingClientRect().top) : -1,
						bytes: document.documentElement.outerHTML.length,
						status: (document.getElementById('js-status') || { dataset: {} }).dataset.state,
					});
				}, 0));
			}));
			t.errors = errors;
			console.log(JSON.stringify(t));
			if (errors.length || t.glance < 0 || t.glance > 900 ||
			    t.status !== 'ok')
				bad = 1;
			await ctx.close();
		}
	} finally {
		await browser.close();
	}
	process.exit(bad);
})().catch((e) => { console.error(e); process.exit(1); });

// serve_flow.js URL CHROMIUM OUTDIR - drives 'cibscan serve' in headless
// Chromium (puppeteer-core over the DevTools protocol) as two reviewers in
// separate browser contexts: sign in -> take the next item (claim) ->
// decide -> the other reviewer's stale decision gets 409 and the conflict
// page -> supersede -> undo -> the cluster graph (script ran, zoom, click
// through to an account) -> export. Fails on any console error or CSP
// violation. Prints one line per step; exit 0 = pass.
'use strict';
const puppeteer = require('puppeteer-core');

const [url, chrome, outdir] = process.argv.slice(2);
const problems = [];

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('ok - ' + what);
}

async function reviewer(browser, name) {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  page.on('console', (m) => {
    // a 409 answer is expected (the conflict page); anything else is not
    if (m.type() === 'error' && !m.text().includes('status of 409'))
      problems.push(name + ' console: ' + m.text());
  });
  page.on('pageerror', (e) => problems.push(name + ' page error: ' + e.message));
  await page.goto(url + '/login');
  await page.type('#reviewer', name);
  await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
  check((await page.$eval('#who', (e) => e.textContent)).includes(name),
        name + ' signed in, on the queue');
  return page;
}

async function submit(page, sel) {
  const [resp] = await Promise.all([page.waitForNavigation(), page.click(sel)]);
  return resp;
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: chrome,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run',
           '--disable-background-networking', '--disable-component-update',
           '--disable-sync'],
  });
  try {
    const alice = await reviewer(browser, 'alice');
    const bob = await reviewer(browser, 'bob');

    // alice takes the next item: a claim, then its account panel
    await submit(alice, '#next');
    check(alice.url().includes('/account?id='), 'alice claimed an account: ' + alice.url());
    const acct = alice.url();
    check((await alice.$eval('#claim-info', (e) => e.textContent)).includes('alice'),
          'the panel says alice holds the claim');
    check((await alice.$$('#partners tbody tr')).length > 0, 'partners listed');
    check((await alice.$$('.reasons li')).length > 0, 'evidence in words listed');
    // the evidence the import stored from the run's input: the rhythm
    // chart (24 hour bars and a 7 x 24 heat map, axis titles in UTC) and
    // the posts with their copies
    check((await alice.$$('svg#rhythm rect')).length >= 24 + 168, 'the account rhythm chart is drawn');
    check((await alice.$eval('svg#rhythm', (e) => e.textContent)).includes('hour of day (UTC)'),
          'the rhythm chart names its axis and time zone');
    check((await alice.$$('#posts tbody tr')).length > 0, 'the account\'s posts are listed');
    await alice.screenshot({ path: outdir + '/account.png', fullPage: true });

    // bob opens the same panel before alice decides: he sees version 0
    await bob.goto(acct);
    check((await bob.$eval('#version', (e) => e.textContent)).includes('Version 0'),
          'bob sees version 0');

    // alice decides
    await alice.select('#decision', 'confirm');
    await alice.type('#note', 'same texts as the cluster');
    await submit(alice, '#decide-one');
    check((await alice.$eval('#headline', (e) => e.textContent)).includes('confirm'),
          'alice confirmed it');

    // bob's decision was made on what he saw: refused with 409
    await bob.select('#decision', 'dismiss');
    await bob.type('#note', 'looks organic');
    let resp = await submit(bob, '#decide-one');
    check(resp.status() === 409, 'bob gets 409, not a silent overwrite');
    const conflict = await bob.$eval('#conflict', (e) => e.textContent);
    check(conflict.includes('confirm') && conflict.includes('alice'),
          'the conflict says who did what: ' + conflict.replace(/\s+/g, ' ').slice(0, 160));

    // bob supersedes on purpose
    resp = await submit(bob, '#supersede');
    check(resp.status() === 200 && bob.url() === acct, 'supersede goes back to the panel');
    check((await bob.$eval('#headline', (e) => e.textContent)).includes('dismiss'),
          'bob\'s dismiss recorded');
    const rows = await bob.$$eval('#history tbody tr', (t) => t.map((r) => r.textContent));
    check(rows.some((r) => r.includes('supersede')), 'the history shows the supersede');

    // undo bob's decision: the last undo button in the history
    const undos = await bob.$$('.undo-btn');
    await Promise.all([bob.waitForNavigation(), undos[undos.length - 1].click()]);
    const head = await bob.$eval('#headline', (e) => e.textContent);
    check(head.includes('confirm') && head.includes('alice'), 'undo restored alice\'s confirm');
    const rows2 = await bob.$$eval('#history tbody tr', (t) => t.map((r) => r.textContent));
    check(rows2[rows2.length - 1].includes('undo') && rows2[rows2.length - 1].includes('reverses'),
          'the undo is a new row pointing at the reversed one');

    // the cluster panel: verdict, members, the graph with its script
    await bob.goto(url + '/');
    const clusterLink = await bob.$$eval('a[href^="/cluster?id="]', (a) => a.map((x) => x.href));
    check(clusterLink.length > 0, 'the queue lists clusters');
    await bob.goto(clusterLink[0]);
    check((await bob.$eval('#verdict', (e) => e.textContent)).includes('accounts'), 'verdict sentence');
    check((await bob.$$('svg#pooled-rhythm rect')).length >= 24 + 168, 'the pooled rhythm is drawn');
    check((await bob.$$('#shared-texts tbody tr')).length > 0, 'the cluster\'s shared texts are listed');
    check((await bob.$$('#shared-domains tbody tr')).length > 0, 'the cluster\'s shared domains are listed');
    check((await bob.$$('#creation tbody tr')).length > 0, 'creation days are listed');
    await bob.waitForSelector('svg.graph[data-ready="1"]', { timeout: 5000 });
    check(true, 'the graph script ran (served from self under the CSP)');
    const vb0 = await bob.$eval('svg.graph', (s) => s.getAttribute('viewBox'));
    await bob.click('#zoom-in');
    const vb1 = await bob.$eval('svg.graph', (s) => s.getAttribute('viewBox'));
    check(vb0 !== vb1, 'zoom changes the view (' + vb0 + ' -> ' + vb1 + ')');
    await bob.screenshot({ path: outdir + '/cluster.png' });
    await bob.click('#zoom-reset');
    const node = await bob.$('svg.graph a.node circle');
    await Promise.all([bob.waitForNavigation(), node.click()]);
    check(bob.url().includes('/account?id='), 'a graph node opens its account: ' + bob.url());

    // a whole cluster from its panel: members decided too. The cluster
    // that holds alice's account (which cluster the queue lists first
    // depends on the scores)
    let aliceCluster = clusterLink[0];
    const acctRef = new URL(acct).pathname + new URL(acct).search;
    for (const l of clusterLink) {
      await bob.goto(l);
      const has = await bob.$$eval('a', (a, r) => a.some((x) => x.getAttribute('href') === r ||
                                                          x.getAttribute('xlink:href') === r), acctRef);
      if (has) {
        aliceCluster = l;
        break;
      }
    }
    await bob.goto(aliceCluster);
    await bob.select('#decision', 'escalate');
    resp = await submit(bob, '#decide-one');
    check(resp.status() === 409, 'deciding the cluster over alice\'s member decision: 409');
    resp = await submit(bob, '#supersede');
    check(resp.status() === 200, 'cluster decided on purpose');

    // export (the page the queue links to)
    const exp = await bob.evaluate(async () => {
      const r = await fetch('/export.json');
      return r.json();
    });
    check(exp.count >= 2 && exp.decisions.every((d) => d.platform && d.reviewer && d.decided_at),
          'export lists every decided account with platform, reviewer, time (' + exp.count + ')');
    await alice.screenshot({ path: outdir + '/account.png' });
  } finally {
    await browser.close();
  }
  if (problems.length) {
    console.log(problems.join('\n'));
    process.exit(1);
  }
  console.log('pass');
})().catch((e) => {
  console.log('FAIL: ' + (e && e.stack ? e.stack : e));
  console.log(problems.join('\n'));
  process.exit(1);
});

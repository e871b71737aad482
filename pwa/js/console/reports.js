// Reports (youth workers and admins): the last 12 months and the sectors, and one chat session's counts.
// Each chart is drawn here as SVG and comes with the table behind it and a CSV download. Counts only.

import { t, formatDate, currentLanguage } from '../i18n.js';
import { h } from '../ui.js';
import { api } from '../api.js';
import { staffGate, pageHead, table, when } from './common.js';
import { barChart } from './charts.js';

const READERS = ['admin', 'youth_worker'];

/** "Jan 2026" for January and the first month shown, "Feb" otherwise. */
function monthLabel(key, i = 1) {
  const [year, month] = key.split('-').map(Number);
  return new Intl.DateTimeFormat(currentLanguage(), { month: 'short', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 1))
    + (month === 1 || i === 0 ? ` ${year}` : '');
}

function section(id, title, ...children) {
  return h('section', { class: 'card section', 'aria-labelledby': `report-${id}` }, h('h2', { id: `report-${id}` }, title), ...children);
}

function monthlySection(id, data, seriesKeys) {
  const labels = data.months.map((month, i) => monthLabel(month, i));
  const series = seriesKeys.map((key) => ({ name: t(`reports.${key}`), values: data.monthly[key] }));
  const total = (key) => data.monthly[key].reduce((a, b) => a + b, 0);
  const summary = seriesKeys.map((key) => t('reports.total_of', { name: t(`reports.${key}`), count: total(key) })).join(' ');
  const title = seriesKeys.map((key) => t(`reports.${key}`)).join(', ');
  return section(id, title,
    barChart({ title: `${title} ${t('reports.per_month')}`, labels, series, summary }),
    table(`${title} ${t('reports.per_month')}`, [
      { label: t('reports.month'), render: (row) => row.month },
      ...seriesKeys.map((key) => ({ key, label: t(`reports.${key}`), numeric: true })),
    ], data.months.map((month, i) => ({ month: monthLabel(month, i), ...Object.fromEntries(seriesKeys.map((key) => [key, data.monthly[key][i]])) }))));
}

export async function reportsScreen(view, params, query, ctx) {
  const me = await staffGate(view, { roles: READERS, title: t('reports.title') });
  if (!me) return;
  const [data, sessions] = await Promise.all([api.get('/api/console/reports/overview', { signal: ctx.signal }),
    api.get('/api/console/reports/sessions', { signal: ctx.signal })]);
  pageHead(view, me, t('reports.title'), t('reports.intro'));
  view.append(h('p', {}, h('a', { class: 'button button-secondary', href: '/api/console/reports/overview.csv', download: 'tuttu-overview.csv' }, t('console.csv'))),
    monthlySection('visitors', data, ['visitors']),
    h('p', { class: 'muted' }, t('reports.visitors_note')),
    monthlySection('sessions', data, ['sessions']),
    monthlySection('answers', data, ['answers_published']),
    monthlySection('meetups', data, ['meetup_signups', 'meetup_attended', 'meetup_no_shows']));
  const sectors = data.sectors.map((row) => ({ ...row, sector: row.sector || t('reports.city_wide') }));
  view.append(section('sectors', t('reports.sectors'),
    barChart({ title: t('reports.posts_per_sector'), labels: sectors.map((row) => row.sector),
      series: [{ name: t('reports.posts'), values: sectors.map((row) => row.posts) }, { name: t('reports.followers'), values: sectors.map((row) => row.followers) }],
      summary: t('reports.sectors_summary', { count: sectors.length }) }),
    table(t('reports.posts_per_sector'), [
      { key: 'sector', label: t('staff.sector') },
      { key: 'posts', label: t('reports.posts'), numeric: true },
      { key: 'followers', label: t('reports.followers'), numeric: true },
    ], sectors)));
  view.append(section('session-list', t('reports.sessions_list'), table(t('reports.sessions_list'), [
    { label: t('staff.col_session'), render: (s) => h('a', { href: `/console/reports/sessions/${s.id}` }, s.title) },
    { label: t('staff.col_when'), render: (s) => when(s.starts_at) },
  ], sessions.sessions, { empty: t('staff.no_last_session') })));
}

const MEASURES = ['participants_writing', 'youth_messages', 'questions_asked', 'questions_answered', 'answers_published',
  'questions_held', 'questions_rejected', 'may_need_help', 'reminders_sent', 'reminders_delivered'];

const PEAKS = ['peak_participants', 'peak_observers', 'peak_staff', 'peak_total'];

/** The most people connected at once, by role, and how many different young people joined (counts only). */
function presenceSection(presence) {
  const rows = [...PEAKS, 'distinct_participants'].map((key) => ({ key, value: presence[key] }));
  return section('presence', t('reports.presence'),
    barChart({ title: t('reports.presence'), labels: PEAKS.map((key) => t(`reports.${key}`)),
      series: [{ name: t('reports.presence'), values: PEAKS.map((key) => presence[key]) }],
      summary: rows.map((row) => `${t(`reports.${row.key}`)}: ${row.value}`).join(', ') }),
    table(t('reports.presence'), [
      { label: t('reports.measure'), render: (row) => t(`reports.${row.key}`) },
      { key: 'value', label: t('reports.value'), numeric: true },
    ], rows),
    h('p', { class: 'muted' }, t('reports.presence_peaks_note')));
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return t('reports.no_answers');
  const minutes = Math.floor(seconds / 60);
  return t('reports.minutes_seconds', { minutes, seconds: seconds % 60 });
}

export async function sessionReportScreen(view, params, query, ctx) {
  const me = await staffGate(view, { roles: READERS, title: t('reports.title') });
  if (!me) return;
  const report = await api.get(`/api/console/reports/sessions/${encodeURIComponent(params.id)}`, { signal: ctx.signal });
  pageHead(view, me, t('reports.session_title', { title: report.title }));
  const questions = ['questions_asked', 'questions_answered', 'questions_held', 'questions_rejected'];
  view.append(
    h('p', { class: 'lead' }, formatDate(new Date(report.starts_at)), ' · ', t('reports.median', { time: duration(report.median_seconds_to_first_answer) })),
    section('questions', t('reports.questions'),
      barChart({ title: t('reports.questions'), labels: questions.map((key) => t(`reports.${key}`)),
        series: [{ name: t('reports.questions'), values: questions.map((key) => report.counts[key]) }],
        summary: questions.map((key) => `${t(`reports.${key}`)}: ${report.counts[key]}`).join(', ') })),
    presenceSection(report.presence),
    section('counts', t('reports.counts'),
      table(t('reports.counts'), [
        { label: t('reports.measure'), render: (row) => t(`reports.${row.key}`) },
        { key: 'value', label: t('reports.value'), numeric: true },
      ], [...MEASURES.map((key) => ({ key, value: report.counts[key] })),
        { key: 'median_time', value: duration(report.median_seconds_to_first_answer) }]),
      h('p', {}, h('a', { class: 'button button-secondary', href: `/api/console/reports/sessions/${report.id}.csv`, download: `tuttu-session-${report.id}.csv` }, t('console.csv')))),
    h('p', {}, h('a', { href: '/console/reports' }, t('reports.back'))));
}

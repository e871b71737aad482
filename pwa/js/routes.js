// Every screen the app shows, registered in one place and in this order: the paths (the first pattern that
// matches wins, so a fixed path such as /meetups/new comes before /meetups/:id), the screen for any other
// path, and the sections features add to Home and Me. A feature's modules export their screens and register
// nothing themselves. Everything imported statically here counts against the shell budget (100 KB gzip,
// tests/benchmarks/shell_size.py); staff-only screens load on first use with lazy() from router.js.

import { route, lazy, notFound } from './router.js';
import { notFoundScreen } from './notfound.js';
import { homeScreen, addHomeSection, renderHomeFeed } from './feed/home.js';
import { meScreen, addMeSection } from './account/me.js';
import { loginScreen } from './account/login.js';
import { finderScreen, mySectorScreen, sectorScreen, officerScreen } from './sectors/sectors.js';
import { renderSectorMoves, renderMapCredits } from './sectors/notices.js';
import { lobby, room } from './chat/chat.js';
import { archive } from './chat/answers.js';
import { meetupList, meetupDetail } from './meetups/meetups.js';
import { myMeetups, renderNextMeetup } from './meetups/mine.js';
import { renderReminders } from './push/reminders.js';
import { renderStaffLinks, renderStaffShortcut } from './console/links.js';

// Staff-only screens, each module loaded on first use (the service worker precaches them for offline use).
const composer = (screen) => lazy(() => import('./feed/composer.js'), screen);
const organiser = (screen) => lazy(() => import('./meetups/organiser.js'), screen);
const CONSOLE = {
  home: () => import('./console/home.js'),
  signup: () => import('./console/signup.js'),
  factor: () => import('./console/factor.js'),
  staff: () => import('./console/staff.js'),
  centres: () => import('./console/centres.js'),
  schedule: () => import('./console/schedule.js'),
  settings: () => import('./console/settings.js'),
  audit: () => import('./console/audit.js'),
  reports: () => import('./console/reports.js'),
  sectors: () => import('./console/sectors.js'),
};
const staffModule = (module, screen) => lazy(CONSOLE[module], screen);

export function registerScreens() {
  // Home and the feed (verified officers write posts)
  route('/', homeScreen);
  route('/feed', homeScreen);                               // where a new-post push notification points
  route('/posts/new', composer('composeScreen'));
  route('/posts/:id/edit', composer('editScreen'));
  route('/posts/:id', lazy(() => import('./feed/post.js'), 'postScreen'));   // share link, a new-post push

  // Me, and the staff login (?next=/path)
  route('/me', meScreen);
  route('/login', loginScreen);

  // Sectors and their officers
  route('/sectors', finderScreen);
  route('/sectors/mine', mySectorScreen);                   // before /sectors/:id
  route('/sectors/:id', sectorScreen);
  route('/officers/:id', officerScreen);

  // The Monday chat (youth room or staff console at /chat/:id) and its answer archive
  route('/chat', lobby);
  route('/chat/:id', room);
  route('/answers', archive);

  // Meetups: the fixed paths before /meetups/:id
  route('/meetups', meetupList);
  route('/meetups/mine', myMeetups);
  route('/meetups/organise', organiser('organised'));
  route('/meetups/new', organiser('editScreen'));
  route('/meetups/:id', meetupDetail);
  route('/meetups/:id/edit', organiser('editScreen'));
  route('/meetups/:id/organise', organiser('organiserView'));

  // Staff: sign-up (?invite=...), the staff home by role, setting up a second factor
  route('/staff', staffModule('home', 'staffHomeScreen'));
  route('/staff/signup', staffModule('signup', 'signupScreen'));
  route('/staff/factor', staffModule('factor', 'factorScreen'));

  // The admin console (schedule and reports also for youth workers)
  route('/console', staffModule('staff', 'staffListScreen'));
  route('/console/invites', staffModule('staff', 'invitesScreen'));
  route('/console/centres', staffModule('centres', 'centresScreen'));
  route('/console/sectors', staffModule('sectors', 'sectorImportScreen'));
  route('/console/schedule', staffModule('schedule', 'scheduleScreen'));
  route('/console/settings', staffModule('settings', 'settingsScreen'));
  route('/console/audit', staffModule('audit', 'auditScreen'));
  route('/console/reports', staffModule('reports', 'reportsScreen'));
  route('/console/reports/sessions/:id', staffModule('reports', 'sessionReportScreen'));

  notFound(notFoundScreen);

  // Sections on Home (lower order first) and on Me
  addHomeSection({ id: 'sector-moves', order: 1, render: renderSectorMoves });
  addHomeSection({ id: 'staff', order: 0, render: renderStaffShortcut });
  addHomeSection({ id: 'meetup', order: 5, render: renderNextMeetup });
  addHomeSection({ id: 'feed', order: 10, render: renderHomeFeed });
  addMeSection({ id: 'push', order: 10, render: renderReminders });
  addMeSection({ id: 'staff', order: 5, render: renderStaffLinks });
  addMeSection({ id: 'map', order: 90, render: renderMapCredits });
}

// Every screen the app shows, registered in one place and in this order: the paths (the first pattern that
// matches wins, so a fixed path such as /meetups/new comes before /meetups/:id), the screen for any other
// path, and the sections features add to Home and Me. A feature's modules export their screens and register
// nothing themselves. Everything imported statically here counts against the shell budget (100 KB gzip,
// tests/benchmarks/shell_size.py); staff-only screens load on first use with lazy() from router.js.

import { route, notFound } from './router.js';
import { notFoundScreen } from './notfound.js';
import { homeScreen, addHomeSection, renderHomeFeed } from './feed/home.js';
import { composeScreen, editScreen as editPostScreen } from './feed/posts.js';
import { meScreen, addMeSection } from './account/me.js';
import { loginScreen } from './account/login.js';
import { finderScreen, mySectorScreen, sectorScreen, officerScreen } from './sectors/sectors.js';
import { lobby, room } from './chat/chat.js';
import { archive } from './chat/answers.js';
import { meetupList, meetupDetail } from './meetups/meetups.js';
import { myMeetups, renderNextMeetup } from './meetups/mine.js';
import { organised, editScreen as editMeetupScreen, organiserView } from './meetups/organiser.js';
import { renderReminders } from './push/reminders.js';

export function registerScreens() {
  // Home and the feed (officers write posts)
  route('/', homeScreen);
  route('/feed', homeScreen);                               // where a new-post push notification points
  route('/posts/new', composeScreen);
  route('/posts/:id/edit', editPostScreen);

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
  route('/meetups/organise', organised);
  route('/meetups/new', editMeetupScreen);
  route('/meetups/:id', meetupDetail);
  route('/meetups/:id/edit', editMeetupScreen);
  route('/meetups/:id/organise', organiserView);

  // The staff console (pwa/js/console/) adds its routes here, loaded with lazy().

  notFound(notFoundScreen);

  // Sections on Home (lower order first) and on Me
  addHomeSection({ id: 'meetup', order: 5, render: renderNextMeetup });
  addHomeSection({ id: 'feed', order: 10, render: renderHomeFeed });
  addMeSection({ id: 'push', order: 10, render: renderReminders });
}

// Writing and editing an update (verified officers): text, topics, an image with its alt text, city-wide
// and pinned. Staff-only, so routes.js loads it on first use.

import { navigate } from '../router.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, heading, emptyState, toast, field, showFieldErrors, errorMessage } from '../ui.js';
import { getMe } from '../session.js';

export const TOPICS = ['traffic', 'drugs_alcohol', 'personal_safety', 'events', 'other'];
const MAX_TEXT = 1000;
const MAX_IMAGE = 5 * 1024 * 1024;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

function topicChoices(selected = []) {
  return h('fieldset', { class: 'choices' }, h('legend', {}, t('posts.topics')),
    TOPICS.map((topic) => h('label', { class: 'choice' },
      h('input', { type: 'checkbox', name: 'tags', value: topic, checked: selected.includes(topic) }), t(`posts.topic_${topic}`))));
}

function checkbox(name, labelKey, checked = false) {
  return h('label', { class: 'choice' }, h('input', { type: 'checkbox', name, checked }), t(labelKey));
}

function textField(value = '') {
  const counter = h('p', { class: 'field-hint', id: 'text-counter' });
  const area = h('textarea', { class: 'input', name: 'text', rows: 6, maxlength: MAX_TEXT, required: true }, value);
  const update = () => { counter.textContent = t('posts.chars_left', { count: MAX_TEXT - area.value.length }); };
  area.addEventListener('input', update);
  update();
  const wrapper = field({ id: 'text', label: t('posts.text_label'), hint: t('posts.text_hint'), control: area });
  wrapper.append(counter);
  area.setAttribute('aria-describedby', `${area.getAttribute('aria-describedby')} text-counter`);
  return wrapper;
}

function imageProblem(file) {
  if (!file) return null;
  if (!IMAGE_TYPES.includes(file.type)) return t('posts.image_type');
  if (file.size > MAX_IMAGE) return t('posts.image_too_big');
  return null;
}

export async function composeScreen(view, params, query, ctx) {
  view.append(heading(t('posts.new_title')));
  const me = await getMe();
  if (me.kind !== 'staff' || me.role !== 'officer') {
    view.append(emptyState(t('posts.officers_only')));
    return;
  }
  const form = h('form', { class: 'post-form', novalidate: true },
    textField(), topicChoices(),
    field({ id: 'image', label: t('posts.image_label'), hint: t('posts.image_hint'), type: 'file', accept: IMAGE_TYPES.join(',') }),
    field({ id: 'image_alt', label: t('posts.image_alt_label'), hint: t('posts.image_alt_hint'), maxlength: 200 }),
    h('div', { class: 'choices' }, checkbox('city_wide', 'posts.city_wide_label', !me.sector_id), checkbox('pinned', 'posts.pin_label')),
    h('button', { type: 'submit', class: 'button button-block' }, t('posts.publish')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.elements.text.value.trim()) { showFieldErrors(form, { text: t('posts.text_required') }); return; }
    const file = form.elements.image.files[0];
    const problem = imageProblem(file);
    if (problem) { showFieldErrors(form, { image: problem }); return; }
    const data = new FormData();
    data.append('text', form.elements.text.value);
    data.append('tags', [...form.querySelectorAll('input[name="tags"]:checked')].map((box) => box.value).join(','));
    data.append('city_wide', form.elements.city_wide.checked ? 'true' : 'false');
    data.append('pinned', form.elements.pinned.checked ? 'true' : 'false');
    data.append('image_alt', form.elements.image_alt.value);
    if (file) data.append('image', file);
    form.querySelector('button[type="submit"]').disabled = true;
    try {
      await api.upload('/api/posts', data);
      toast(t('posts.published'));
      navigate(`/officers/${me.id}`);
    } catch (err) {
      form.querySelector('button[type="submit"]').disabled = false;
      if (err.fields && Object.keys(err.fields).length) showFieldErrors(form, fieldsFor(err.fields));
      else toast(errorMessage(err));
    }
  });
  view.append(form);
}

function fieldsFor(fields) {
  const out = {};
  for (const [name, message] of Object.entries(fields)) out[name.split('.')[0]] = message;
  return out;
}

export async function editScreen(view, { id }, query, ctx) {
  view.append(heading(t('posts.edit_title')));
  const post = await api.get(`/api/posts/${encodeURIComponent(id)}`, { signal: ctx.signal });
  const form = h('form', { class: 'post-form', novalidate: true }, textField(post.text), topicChoices(post.tags),
    post.image && checkbox('remove_image', 'posts.remove_image'),
    h('button', { type: 'submit', class: 'button button-block' }, t('posts.save')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { text: form.elements.text.value,
      tags: [...form.querySelectorAll('input[name="tags"]:checked')].map((box) => box.value) };
    if (form.elements.remove_image) body.remove_image = form.elements.remove_image.checked;
    try {
      await api.patch(`/api/posts/${post.id}`, body);
      toast(t('posts.saved'));
      navigate(`/officers/${post.author.id}`);
    } catch (err) {
      if (err.fields && Object.keys(err.fields).length) showFieldErrors(form, fieldsFor(err.fields));
      else toast(errorMessage(err));
    }
  });
  view.append(form);
}

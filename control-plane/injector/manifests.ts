/**
 * `weftctl inject`'s core: multi-document YAML in, the same documents out with the injector's patch
 * applied to every pod template. Documents of other kinds, and templates that are not injected,
 * come out byte for byte as they went in.
 */
import { Parser, parseDocument, type Document } from 'yaml';
import { InjectionError } from './errors.js';
import { injectPod } from './inject.js';
import { applyPatch } from './json-patch.js';
import type { PodLike } from './pod.js';
import type { InjectorSettings } from './settings.js';

/** Where each kind keeps its pod template. */
const templatePaths: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export interface ObjectReport {
  object: string;
  injected: boolean;
  reason: string;
}

interface K8sDoc {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  items?: unknown[];
}

/**
 * Injects every pod template in `text`. Offline there is no namespace to read, so each object is
 * treated as living in a namespace labelled `weft.dev/inject: enabled`: a template opts out with
 * `weft.dev/inject: disabled`. Throws InjectionError (naming the object) on a bad annotation.
 */
export function injectManifests(text: string, settings: InjectorSettings): { text: string; reports: ObjectReport[] } {
  const reports: ObjectReport[] = [];
  const out: string[] = [];
  for (const chunk of documentChunks(text)) {
    const doc = parseDocument(chunk);
    if (doc.errors.length) throw new InjectionError(`not valid YAML: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as K8sDoc | null;
    let changed = false;
    if (obj && typeof obj === 'object') {
      const targets: [(string | number)[], K8sDoc][] = obj.kind === 'List' && Array.isArray(obj.items) ? obj.items.map((item, i) => [['items', i], item as K8sDoc]) : [[[], obj]];
      for (const [at, o] of targets) changed = injectInto(doc, at, o, settings, reports) || changed;
    }
    if (!changed) out.push(chunk);
    else out.push(`${chunk.startsWith('---') && !doc.directives?.docStart ? '---\n' : ''}${doc.toString()}`);
  }
  return { text: out.join(''), reports };
}

/** The source text of each YAML document, markers and comments included, so untouched documents are copied verbatim. */
function documentChunks(text: string): string[] {
  const starts = [...new Parser().parse(text)].filter((t) => t.type === 'document').map((t) => t.offset);
  if (!starts.length) return [text];
  starts[0] = 0;
  return starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length));
}

/** Injects the pod template of `obj` (found at `at` in `doc`); true when the document changed. */
function injectInto(doc: Document, at: (string | number)[], obj: K8sDoc, settings: InjectorSettings, reports: ObjectReport[]): boolean {
  const path = obj?.kind ? templatePaths[obj.kind] : undefined;
  if (!path) return false;
  const object = `${obj.kind!.toLowerCase()}/${obj.metadata?.name ?? '(unnamed)'}`;
  const template = path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj) as PodLike | undefined;
  if (!template || typeof template !== 'object' || !template.spec || typeof template.spec !== 'object') return false;
  const namespace = obj.metadata?.namespace ?? 'default';
  let result;
  try {
    result = injectPod(template, { namespace, namespaceLabels: { 'weft.dev/inject': 'enabled' }, workload: obj.metadata?.name ?? 'unknown' }, settings);
  } catch (err) {
    if (err instanceof InjectionError) throw new InjectionError(`${object}: ${err.message}`);
    throw err;
  }
  reports.push({ object, injected: result.injected, reason: result.reason });
  if (!result.injected) return false;
  const injected = applyPatch(template, result.patch);
  if (at.length + path.length === 0) doc.contents = doc.createNode(injected, { aliasDuplicateObjects: false });
  else doc.setIn([...at, ...path], doc.createNode(injected, { aliasDuplicateObjects: false }));
  return true;
}

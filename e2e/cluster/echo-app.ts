/** The echo app of the e2e suites (e2e/apps/echo): a Deployment that answers with its pod's name. */
import { clusterSettings } from './settings.js';

export const ECHO_PORT = 8080;

/** A Deployment of `replicas` echo pods labelled app=`name`, Ready once they answer on ECHO_PORT; in `namespace` when given. */
export function echoDeployment(name: string, replicas: number, namespace?: string): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: namespace ? { name, namespace } : { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'echo',
              image: clusterSettings().echoImage,
              imagePullPolicy: 'Never',
              ports: [{ containerPort: ECHO_PORT }],
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              ],
              readinessProbe: { httpGet: { path: '/', port: ECHO_PORT }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}

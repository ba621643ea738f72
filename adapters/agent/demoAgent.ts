/**
 * The demo's agent account, only when the environment asks for one: DEMO_AGENT_PASSWORD (at
 * least 12 characters) creates or resets `DEMO_AGENT_USERNAME` (default "demo-agent"). Never
 * set it in production; real accounts come from `npm run agents -- add`.
 */
import type { AgentAccounts } from './accounts.js';

export async function seedDemoAgent(accounts: AgentAccounts, env: NodeJS.ProcessEnv): Promise<string | null> {
  const password = env.DEMO_AGENT_PASSWORD;
  if (!password) return null;
  const username = env.DEMO_AGENT_USERNAME || 'demo-agent';
  await accounts.add(username, password, { displayName: 'Demo agent', replace: true });
  return username;
}

/**
 * The demo's supervisor, only when DEMO_SUPERVISOR_PASSWORD is set: `demo-supervisor`, who can
 * also open the insights dashboard (/agent/insights). Never set it in production; real
 * supervisors come from `npm run agents -- add <username> --supervisor`.
 */
export async function seedDemoSupervisor(accounts: AgentAccounts, env: NodeJS.ProcessEnv): Promise<string | null> {
  const password = env.DEMO_SUPERVISOR_PASSWORD;
  if (!password) return null;
  await accounts.add(DEMO_SUPERVISOR, password, { displayName: 'Demo supervisor', replace: true, role: 'supervisor' });
  return DEMO_SUPERVISOR;
}

export const DEMO_SUPERVISOR = 'demo-supervisor';

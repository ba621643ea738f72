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

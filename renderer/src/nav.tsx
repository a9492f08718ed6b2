/** The sidebar's pages (also the command palette's destinations). */
import type { ReactNode } from 'react';
import { IconActivity, IconBot, IconClock, IconInbox, IconKey, IconKeyRound, IconList, IconRoute, IconServer, IconShieldCheck, IconSliders, IconUsers } from './components/icons';

export interface NavItem {
  path: string;
  label: string;
  icon: ReactNode;
  section: 'Live' | 'Tools' | 'Configure';
}

export const NAV: NavItem[] = [
  { path: '/prompts', label: 'Consent prompts', icon: <IconInbox />, section: 'Live' },
  { path: '/issuances', label: 'Issuance log', icon: <IconList />, section: 'Live' },
  { path: '/flows', label: 'Flows', icon: <IconRoute />, section: 'Live' },
  { path: '/activity', label: 'Activity', icon: <IconActivity />, section: 'Live' },
  { path: '/audit', label: 'Audit log', icon: <IconClock />, section: 'Live' },
  { path: '/decoder', label: 'JWT decoder', icon: <IconKeyRound />, section: 'Tools' },
  { path: '/resources', label: 'Resources', icon: <IconServer />, section: 'Configure' },
  { path: '/clients', label: 'Clients', icon: <IconBot />, section: 'Configure' },
  { path: '/users', label: 'Users', icon: <IconUsers />, section: 'Configure' },
  { path: '/consents', label: 'Consents', icon: <IconShieldCheck />, section: 'Configure' },
  { path: '/keys', label: 'Signing keys', icon: <IconKey />, section: 'Configure' },
  { path: '/settings', label: 'Settings', icon: <IconSliders />, section: 'Configure' },
];


/** Local test users: who approves consent. No passwords: this is a developer's machine. */
import { z } from 'zod';
import { IsoTime } from './common';

export const Sub = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7E]+$/, 'sub must be printable ASCII without spaces');

export const UserInput = z.object({
  sub: Sub,
  name: z.string().min(1).max(200).optional(),
  email: z.string().email().max(320).optional(),
});
export type UserInput = z.input<typeof UserInput>;

/** What an edit may change: the name, and the email (null removes it). The sub is fixed. */
export const UserPatch = z
  .object({
    name: UserInput.shape.name.unwrap(),
    email: UserInput.shape.email.unwrap().nullable(),
  })
  .partial()
  .strict();
export type UserPatch = z.input<typeof UserPatch>;

export const User = z.object({
  sub: Sub,
  name: z.string(),
  email: z.string().optional(),
  created_at: IsoTime,
});
export type User = z.infer<typeof User>;

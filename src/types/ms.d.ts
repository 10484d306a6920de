// ms@3's typings are not reachable through its package.json "exports" under NodeNext resolution.
declare module 'ms' {
  export type StringValue = string;
  export default function ms(value: StringValue): number;
}

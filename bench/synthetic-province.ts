// The generator lives in libs/synthetic-province, where the demo can import it too.
export * from '@junheng/synthetic-province';
